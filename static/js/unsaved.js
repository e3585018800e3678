// The case form warns before the page is left with entries that are not saved (a reload, closing the tab,
// a menu link, Back). The entries themselves are kept on the server (the working copy, sent by htmx from
// #working-copy), never in the browser's storage. No inline scripts (strict CSP).
"use strict";

(function () {
  var form = document.getElementById("case-form");
  if (!form) {
    return;
  }
  // Entries brought back from the working copy are not saved either.
  var unsaved = form.dataset.unsaved === "restored";

  function changed() {
    unsaved = true;
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  // Saving, or discarding the brought-back entries, is leaving on purpose (a save held back, for
  // example while reconnecting, is not).
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) {
      unsaved = false;
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";  // older browsers show their own words only when this is set
    }
  });
})();
