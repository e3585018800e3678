// "Copy summary" on the case page: copies the plain-text summary the server wrote into the read-only
// box. Without JavaScript the button stays hidden and the text is selected and copied by hand.
"use strict";

(function () {
  var button = document.getElementById("copy-summary");
  if (!button) {
    return;
  }
  var box = document.getElementById(button.dataset.copyTarget);
  var done = document.getElementById("copy-summary-done");
  if (!box) {
    return;
  }
  button.hidden = false;

  function said(text) {
    if (done) {
      done.textContent = text;
    }
  }

  function bySelection() {
    box.focus();
    box.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  button.addEventListener("click", function () {
    var copied = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(box.value).then(function () { return true; }, bySelection)
      : Promise.resolve(bySelection());
    copied.then(function (ok) {
      said(ok ? "Copied: paste it into the notes." : "Select the text in the box and copy it (Ctrl+C).");
      if (!ok) {
        box.focus();
        box.select();
      }
    });
  });
})();
