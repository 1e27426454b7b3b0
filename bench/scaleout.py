"""Scale-out check: two app servers, one database. Every write made through one server must
be visible through the other at once (sessions, evidence, check-in autosave, logout).

Each step is a write on one server followed by reads on both; the result lists every step
with what was expected and whether it held. The check cleans up after itself (it deletes the
evidence it added and discards the draft it started).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import requests

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION_KEY = re.compile(r'name="submission_key" value="([^"]+)"')
CHECKIN_URL = re.compile(r"/check-ins/(\d+)/$")
EVIDENCE_LINK = re.compile(r'href="/evidence/(\d+)/"')


class Check:
    def __init__(self) -> None:
        self.steps: list[dict[str, Any]] = []

    def expect(self, step: str, ok: bool, detail: str = "") -> bool:
        self.steps.append({"step": step, "ok": bool(ok), "detail": detail})
        print(f"  [{'ok' if ok else 'FAILED'}] {step}{' — ' + detail if detail else ''}")
        return ok


def _token(response: requests.Response) -> str:
    found = CSRF_INPUT.search(response.text)
    if not found:
        raise RuntimeError(f"no CSRF token on {response.url} (HTTP {response.status_code})")
    return found.group(1)


def _follow(s: requests.Session, base: str, response: requests.Response) -> None:
    """Load the page a write redirected to, on the server that answered, as a browser would.
    That shows (and so clears) the flash message, which names what was written and would
    otherwise appear on the next page read, making a read look right when it is not."""
    location = response.headers.get("Location", "")
    if location.startswith("/"):
        s.get(base + location, timeout=10)


def run(a: str, b: str, scaleout: dict[str, Any], password: str) -> dict[str, Any]:
    """Run the check against servers a and b (base URLs); returns the steps and a verdict."""
    check = Check()
    s = requests.Session()
    user, title_prefix = scaleout["username"], scaleout["title"]
    shift = scaleout["shifts"][0]
    started = time.perf_counter()
    both: list[tuple[str, str]] = [("A", a), ("B", b)]

    def read_all(path: str, test: Callable[[requests.Response], bool], what: str) -> bool:
        ok = True
        for name, base in both:
            r = s.get(base + path, allow_redirects=False, timeout=10)
            ok &= check.expect(
                f"read on {name}: {what}",
                r.status_code == 200 and test(r),
                f"GET {path} → {r.status_code}",
            )
        return ok

    # 1. Log in on A; the session works on B.
    form = s.get(a + "/accounts/login/", timeout=10)
    r = s.post(
        a + "/accounts/login/",
        data={"username": user, "password": password, "csrfmiddlewaretoken": _token(form)},
        allow_redirects=False,
        timeout=30,
    )
    check.expect("log in on A", r.status_code == 302, f"POST /accounts/login/ → {r.status_code}")
    read_all("/", lambda r: 'action="/accounts/logout/"' in r.text, "the session from A")

    # 2. Add evidence on A (the real form: GET for the token and submission key, POST).
    token = uuid.uuid4().hex[:12]
    title = f"{title_prefix} {token}"
    form = s.get(a + "/evidence/new/", timeout=10)
    key = SUBMISSION_KEY.search(form.text)
    r = s.post(
        a + "/evidence/new/",
        data={
            "happened_on": date.today().isoformat(),
            "title": title,
            "body": "Written through server A, read through both.",
            "link": "",
            "shifts": [str(x["id"]) for x in scaleout["shifts"]],
            "visibility": "private",
            "submission_key": key.group(1) if key else str(uuid.uuid4()),
            "csrfmiddlewaretoken": _token(form),
        },
        allow_redirects=False,
        timeout=10,
    )
    check.expect(
        "add evidence on A", r.status_code == 302, f"POST /evidence/new/ → {r.status_code}"
    )
    _follow(s, a, r)
    read_all(f"/evidence/?q={token}", lambda r: title in r.text, "the new evidence")
    found = EVIDENCE_LINK.search(s.get(b + f"/evidence/?q={token}", timeout=10).text)
    evidence_id = found.group(1) if found else None

    # 3. Start a check-in on A, autosave a rating on B (htmx, X-CSRFToken), read it on A.
    page = s.get(a + "/check-ins/new/", timeout=10)
    r = s.post(
        a + "/check-ins/new/",
        data={"csrfmiddlewaretoken": _token(page)},
        allow_redirects=False,
        timeout=10,
    )
    match = CHECKIN_URL.search(r.headers.get("Location", ""))
    check.expect(
        "start a check-in on A",
        r.status_code == 302 and match is not None,
        f"POST /check-ins/new/ → {r.status_code} {r.headers.get('Location', '')}",
    )
    _follow(s, a, r)
    checkin_id = match.group(1) if match else None
    if checkin_id:
        draft = s.get(b + f"/check-ins/{checkin_id}/", timeout=10)
        csrf = s.cookies.get("csrftoken") or _token(draft)
        note = f"autosaved through B {token}"
        slug = shift["slug"]
        r = s.post(
            b + f"/check-ins/{checkin_id}/shifts/{slug}/",
            data={f"{slug}-level": "4", f"{slug}-note": note},
            headers={"X-CSRFToken": csrf, "HX-Request": "true"},
            allow_redirects=False,
            timeout=10,
        )
        check.expect(
            "autosave a rating on B",
            r.status_code == 200,
            f"POST /check-ins/{checkin_id}/shifts/{slug}/ → {r.status_code}",
        )
        read_all(f"/check-ins/{checkin_id}/", lambda r: note in r.text, "the autosaved rating")

    # 4. Clean up on B: discard the draft, delete the evidence; both servers agree.
    if checkin_id:
        page = s.get(b + f"/check-ins/{checkin_id}/discard/", timeout=10)
        r = s.post(
            b + f"/check-ins/{checkin_id}/discard/",
            data={"csrfmiddlewaretoken": _token(page)},
            allow_redirects=False,
            timeout=10,
        )
        check.expect("discard the draft on B", r.status_code == 302, f"→ {r.status_code}")
        _follow(s, b, r)
        for name, base in both:
            r = s.get(base + f"/check-ins/{checkin_id}/", allow_redirects=False, timeout=10)
            check.expect(
                f"read on {name}: the draft is gone",
                r.status_code == 404,
                f"GET /check-ins/{checkin_id}/ → {r.status_code}",
            )
    if evidence_id:
        page = s.get(b + f"/evidence/{evidence_id}/delete/", timeout=10)
        r = s.post(
            b + f"/evidence/{evidence_id}/delete/",
            data={"csrfmiddlewaretoken": _token(page)},
            allow_redirects=False,
            timeout=10,
        )
        check.expect("delete the evidence on B", r.status_code == 302, f"→ {r.status_code}")
        _follow(s, b, r)
        read_all(f"/evidence/?q={token}", lambda r: title not in r.text, "the evidence is gone")

    # 5. Log out on B; the session is dead on A too.
    page = s.get(b + "/", timeout=10)
    old_session = s.cookies.get("sessionid") or "missing"
    r = s.post(
        b + "/accounts/logout/",
        data={"csrfmiddlewaretoken": _token(page)},
        allow_redirects=False,
        timeout=10,
    )
    check.expect("log out on B", r.status_code == 302, f"POST /accounts/logout/ → {r.status_code}")
    r = requests.get(a + "/", cookies={"sessionid": old_session}, allow_redirects=False, timeout=10)
    check.expect(
        "read on A: the old session is refused",
        r.status_code == 302 and "/accounts/login/" in r.headers.get("Location", ""),
        f"GET / → {r.status_code} {r.headers.get('Location', '')}",
    )

    return {
        "ok": all(step["ok"] for step in check.steps),
        "steps": check.steps,
        "seconds": round(time.perf_counter() - started, 1),
    }
