// The outcome letter's print button (no inline handlers: CSP).
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var button = document.getElementById("print-letter");
  if (button) button.addEventListener("click", function () { window.print(); });
});
