// A real OpenID Connect provider for the sign-in tests (oauth2-mock-server), on 127.0.0.1.
//
// GET /authorize first shows a sign-in form (the address to sign in as, and whether the
// provider vouches for it); the answer goes on to the library's own authorize endpoint,
// and the tokens and userinfo it then issues carry that person's claims.
// Prints {"url": "http://127.0.0.1:<port>"} on its first line once it listens.
"use strict";

const http = require("node:http");
const { OAuth2Server } = require("oauth2-mock-server");

const people = new Map(); // authorization code, then access token → claims

function claimsFrom(query) {
  const email = String(query.login || "").trim().toLowerCase();
  const local = email.split("@")[0] || "someone";
  return {
    sub: `sub-${email}`,
    email,
    email_verified: query.verified === "yes",
    given_name: local.charAt(0).toUpperCase() + local.slice(1),
    family_name: "Provider",
  };
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function signInPage(url) {
  const hidden = [...url.searchParams]
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test provider</title></head>
<body><main><h1>Test identity provider</h1>
<form method="get" action="/authorize">${hidden}
<label for="login">Email</label> <input id="login" name="login" type="email" required>
<label><input name="verified" type="checkbox" value="yes" checked> Email verified</label>
<button type="submit">Sign in</button></form></main></body></html>`;
}

async function main() {
  // The library's server object, for its issuer and request handler; it listens below.
  const provider = new OAuth2Server();
  const { issuer, service } = provider;
  await issuer.keys.generate("RS256");

  service.on("beforeAuthorizeRedirect", (redirect, req) => {
    people.set(redirect.url.searchParams.get("code"), claimsFrom(req.query));
  });
  service.on("beforeTokenSigning", (token, req) => {
    const claims = people.get(req.body && req.body.code);
    if (claims) Object.assign(token.payload, claims);
  });
  service.on("beforeResponse", (response, req) => {
    const claims = people.get(req.body && req.body.code);
    if (claims && response.body.access_token) people.set(response.body.access_token, claims);
  });
  service.on("beforeUserinfo", (response, req) => {
    const token = String(req.headers.authorization || "").replace(/^Bearer /, "");
    const claims = people.get(token);
    if (claims) response.body = claims;
    else response.statusCode = 401;
  });

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    if (req.method === "GET" && url.pathname === "/authorize" && !url.searchParams.get("login")) {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(signInPage(url));
      return;
    }
    service.requestHandler(req, res);
  });
  server.listen(Number(process.env.PORT || 0), "127.0.0.1", () => {
    issuer.url = `http://127.0.0.1:${server.address().port}`;
    process.stdout.write(JSON.stringify({ url: issuer.url }) + "\n");
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.stdin.on("end", stop); // the test session ended: its pipe closed
  process.stdin.resume();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
