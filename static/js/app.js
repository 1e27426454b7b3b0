// htmx wiring: show failed requests to the person instead of swallowing them.
(function () {
  "use strict";

  function showError(text) {
    var box = document.getElementById("htmx-error");
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
  }

  function clearError() {
    var box = document.getElementById("htmx-error");
    if (box) {
      box.hidden = true;
      box.textContent = "";
    }
  }

  document.addEventListener("htmx:beforeRequest", clearError);

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (status === 422 || status === 409) {
      return; // the form came back with its errors shown in place
    }
    var text = status >= 500
      ? "Something went wrong on our side (error " + status + "). Your input is still on the page; please try again."
      : "That did not work (error " + status + "). Please reload the page and try again.";
    showError(text);
  });

  document.addEventListener("htmx:sendError", function () {
    showError("Could not reach the server. Check your connection; your input is still on the page.");
  });

  // Show 422 responses (forms with errors) in place rather than dropping them.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422 || event.detail.xhr.status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();

// Print buttons (no inline script: the page's CSP allows none).
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) {
    window.print();
  }
});
