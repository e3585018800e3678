// Accessibility helpers (WCAG 2.2 AA). No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  // After a refused save the page comes back with the errors: put the keyboard on the first field to fix,
  // so a keyboard or screen-reader user starts where the problem is (its error is read with it).
  function focusFirstError() {
    var invalid = document.querySelector("main [aria-invalid='true']");
    if (!invalid) {
      return;
    }
    var target = invalid;
    if (invalid.getAttribute("role") === "radiogroup") {
      target = invalid.querySelector("input:checked") || invalid.querySelector("input");
    }
    if (target) {
      target.focus();
      target.scrollIntoView({ block: "center" });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusFirstError);
  } else {
    focusFirstError();
  }
})();
