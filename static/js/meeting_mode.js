// Meeting mode: single keys move through the agenda (n, p) and open the decision form (d).
// Ignored while typing in a field or with a modifier key, so they never eat text or browser shortcuts.
(function () {
  "use strict";
  var keys = { n: "mode-next", p: "mode-previous", d: "mode-decide" };
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var id = keys[event.key];
    var link = id && document.getElementById(id);
    if (link) {
      event.preventDefault();
      link.click();
    }
  });
  // Tells a test (or a curious reader of the DOM) that the keys now work on this page.
  document.documentElement.setAttribute("data-meeting-keys", "on");
})();
