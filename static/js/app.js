// htmx wiring: show failed requests to the person instead of swallowing them, tell screen
// readers what autosave did, and keep keyboard focus in place when htmx swaps content.
// Everything here is an enhancement: every page works without JavaScript.
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

  // Words that are true only with JavaScript (autosave) replace their no-JavaScript twins.
  function showScriptedText(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-js-only]"), function (node) {
      node.hidden = false;
    });
    Array.prototype.forEach.call(root.querySelectorAll("[data-no-js]"), function (node) {
      node.hidden = true;
    });
  }

  showScriptedText(document);
  document.addEventListener("htmx:load", function (event) {
    showScriptedText(event.detail.elt);
  });

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

  // Screen readers do not reliably read a live region that is itself swapped in, so swapped
  // content marked data-announce is read out through regions that exist from page load.
  // data-announce may name the parts to read (a selector); details and hidden parts are skipped.
  function spokenText(element) {
    var selector = element.getAttribute("data-announce");
    var parts = selector ? element.querySelectorAll(selector) : [element];
    var texts = [];
    Array.prototype.forEach.call(parts, function (part) {
      var copy = part.cloneNode(true);
      Array.prototype.forEach.call(
        copy.querySelectorAll("details, [aria-hidden='true'], [hidden]"),
        function (node) { node.remove(); }
      );
      texts.push(copy.textContent);
    });
    return texts.join(" ").replace(/\s+/g, " ").trim();
  }

  function announce(text, urgent) {
    var region = document.getElementById(urgent ? "announce-assertive" : "announce-polite");
    if (!region || !text) return;
    region.textContent = "";
    // A fresh change after clearing, so the same words ("Saved.") are read again.
    window.setTimeout(function () { region.textContent = text; }, 100);
  }

  // The element now in the page where the swap's target was (outerHTML swaps replace it).
  function swappedElement(event) {
    var target = event.detail.target;
    if (target && target.id) return document.getElementById(target.id) || target;
    return target && target.isConnected ? target : null;
  }

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  function focusAfterSwap(element) {
    var selector = element.getAttribute("data-focus-after-swap");
    var next = selector ? element.querySelector(selector) : null;
    next = next || element;
    if (!next.matches("a[href], button, input, select, textarea, [tabindex]")) {
      next.setAttribute("tabindex", "-1");
    }
    next.focus();
  }

  function updateCheckinProgress() {
    var form = document.getElementById("checkin-form");
    var count = document.getElementById("progress-count");
    if (!form || !count) return;
    var rows = form.querySelectorAll("fieldset.rating");
    var rated = Array.prototype.filter.call(rows, function (row) {
      return row.querySelector("input[type='radio']:checked");
    }).length;
    count.textContent = rated + " of " + rows.length + " shifts rated";
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var element = swappedElement(event);
    if (!element) return;
    // Swapped-in choices show what the server says is checked (a radio's `checked` attribute
    // alone does not always win over the choice the person had just made in the old one).
    Array.prototype.forEach.call(
      element.querySelectorAll("input[type='radio'][checked], input[type='checkbox'][checked]"),
      function (input) { input.checked = true; }
    );
    if (element.hasAttribute("data-announce")) {
      var urgent = element.classList.contains("rating-status--error");
      announce(spokenText(element), urgent);
    }
    if (focusLost()) {
      focusAfterSwap(element);
    }
    updateCheckinProgress();
  });
})();

// Nothing typed is lost: an autosave area ([data-autosave]) whose fields differ from what was
// last saved is sent once more, with `keepalive`, when the page is hidden or closed (a reload,
// a closed tab, a switch to another app on a phone) — before htmx's delayed save had its turn.
// A form being submitted carries its own fields, so its areas are not sent again. If an area's
// last save failed, leaving the page asks for confirmation first.
(function () {
  "use strict";

  var saved = new WeakMap(); // area -> its fields as last saved (or as the page showed them)
  var failed = new WeakSet();
  var submitting = null;

  // The area's fields as htmx sends them, without the version it was loaded at: a flush is
  // the page's latest text, saved over whatever its own in-flight save may have left.
  function payload(area) {
    var names = (area.getAttribute("hx-params") || "").split(",");
    var data = new URLSearchParams();
    names.forEach(function (raw) {
      var name = raw.trim();
      if (!name || /(^|-)(version|text_version)$/.test(name)) return;
      Array.prototype.forEach.call(area.querySelectorAll("[name='" + name + "']"), function (field) {
        if ((field.type === "radio" || field.type === "checkbox") && !field.checked) return;
        data.append(name, field.value);
      });
    });
    return data;
  }

  function remember(root) {
    var areas = root.matches && root.matches("[data-autosave]") ? [root] : [];
    if (root.querySelectorAll) {
      areas = areas.concat(Array.prototype.slice.call(root.querySelectorAll("[data-autosave]")));
    }
    areas.forEach(function (area) {
      if (!saved.has(area)) saved.set(area, payload(area).toString());
    });
  }

  function areaOf(node) {
    return node && node.closest ? node.closest("[data-autosave]") : null;
  }

  document.addEventListener("DOMContentLoaded", function () { remember(document); });
  document.addEventListener("htmx:load", function (event) { remember(event.detail.elt); });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var area = areaOf(event.detail.elt);
    if (area) area.dataset.sending = payload(area).toString();
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var area = areaOf(event.detail.elt);
    if (!area) return;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (event.detail.successful) {
      saved.set(area, area.dataset.sending || payload(area).toString());
      failed.delete(area);
    } else if (status === 409) {
      // Changed elsewhere: the person has both answers in front of her and chooses again;
      // leaving the page must not send hers over the other one.
      saved.set(area, payload(area).toString());
      failed.delete(area);
    } else if (status !== 422) {
      failed.add(area);
    }
  });

  document.addEventListener("submit", function (event) { submitting = event.target; });

  function unsaved() {
    return Array.prototype.filter.call(document.querySelectorAll("[data-autosave]"), function (area) {
      if (submitting && submitting.contains(area)) return false;
      return saved.has(area) && saved.get(area) !== payload(area).toString();
    });
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function flush() {
    unsaved().forEach(function (area) {
      var url = area.getAttribute("hx-post");
      if (!url) return;
      var data = payload(area);
      try {
        fetch(url, {
          method: "POST",
          body: data,
          keepalive: true,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" }
        });
        saved.set(area, data.toString());
      } catch (error) {
        failed.add(area);
      }
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });
  window.addEventListener("pagehide", flush);
  window.addEventListener("beforeunload", function (event) {
    var broken = Array.prototype.some.call(document.querySelectorAll("[data-autosave]"), function (area) {
      return failed.has(area) && !(submitting && submitting.contains(area));
    });
    if (broken) {
      event.preventDefault();
      event.returnValue = "";
      return;
    }
    flush();
  });
})();

// Print buttons (no inline script: the page's CSP allows none).
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) {
    window.print();
  }
});

// Rating by keyboard: in a shift's options, 1 to 5 picks that step (the radio's own change
// event saves it) and moves on to the next shift, or to the form's first button after the
// last one. Arrow keys and Space keep working as in any radio group.
document.addEventListener("keydown", function (event) {
  var radio = event.target;
  if (event.altKey || event.ctrlKey || event.metaKey || !/^[1-5]$/.test(event.key)) return;
  if (!(radio instanceof HTMLInputElement) || radio.type !== "radio" || !radio.closest(".scale")) return;
  var form = radio.form;
  var chosen = form && form.querySelector(
    'input[type="radio"][name="' + radio.name + '"][value="' + event.key + '"]'
  );
  if (!chosen) return;
  event.preventDefault();
  if (!chosen.checked) chosen.click();
  var groups = Array.prototype.slice.call(form.querySelectorAll(".scale"));
  var next = groups[groups.indexOf(radio.closest(".scale")) + 1];
  var target = next
    ? next.querySelector('input[type="radio"]:checked') || next.querySelector('input[type="radio"]')
    : form.querySelector('button[type="submit"]');
  if (target) target.focus();
});

// Escape inside an inline form marked data-escape-cancels follows its Cancel link
// ([data-cancel]): htmx swaps the row back and app.js returns focus to it.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape" || !event.target.closest) return;
  var area = event.target.closest("[data-escape-cancels]");
  var cancel = area && area.querySelector("[data-cancel]");
  if (cancel) {
    event.preventDefault();
    cancel.click();
  }
});

// Copy buttons ([data-copy] names the field to copy), e.g. the bookmarklet's code.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-copy]");
  if (!button) return;
  var field = document.querySelector(button.getAttribute("data-copy"));
  var done = button.parentNode.querySelector("[data-copy-done]");
  if (!field) return;
  field.select();
  function say(text) { if (done) done.textContent = text; }
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(field.value).then(
      function () { say("Copied."); },
      function () { say("Selected: press Ctrl+C (or ⌘C) to copy."); }
    );
  } else {
    say("Selected: press Ctrl+C (or ⌘C) to copy.");
  }
});
