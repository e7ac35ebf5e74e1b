// Small behaviours that need JavaScript; every page works without it.
// No inline script anywhere (the Content Security Policy forbids it): everything lives here.
(function () {
  "use strict";

  // After an htmx swap, move focus to the first error message or the updated region's heading,
  // so keyboard and screen-reader users learn what changed.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target) return;
    var error = target.querySelector("[aria-invalid='true'], .error");
    if (error && typeof error.focus === "function") {
      error.focus();
    }
  });

  // A failed htmx request (network down, 5xx) is said out loud instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var box = document.getElementById("htmx-error");
    if (box) {
      box.hidden = false;
    }
  });
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("htmx-error");
    if (box) {
      box.hidden = false;
    }
  });
})();
