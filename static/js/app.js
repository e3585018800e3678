// Small page behaviour; no inline scripts (strict CSP).
"use strict";

// An HTMX request from an expired session answers 401 with this event:
// show the banner, keep the form as it is.
document.body.addEventListener("escc:session-expired", function () {
  var banner = document.getElementById("session-banner");
  if (banner) {
    banner.classList.remove("d-none");
    banner.focus();
  }
});

// htmx does not swap error responses by default; make sure a 401 never
// replaces the form (the event above explains what happened instead).
document.body.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status === 401) {
    event.detail.shouldSwap = false;
  }
});
