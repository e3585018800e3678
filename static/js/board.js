// Tumor-board pages: small conveniences only. Everything works without JavaScript (strict CSP: no inline script).
"use strict";

(function () {
  // Controls that need JavaScript are hidden until it runs.
  document.querySelectorAll(".js-only").forEach(function (el) {
    el.classList.remove("d-none");
  });

  // Queue: "choose every case on this page".
  var selectAll = document.getElementById("select-all");
  if (selectAll) {
    var boxes = document.querySelectorAll("input.pack-choice");
    selectAll.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = selectAll.checked; });
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        var checked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
        selectAll.checked = checked === boxes.length;
        selectAll.indeterminate = checked > 0 && checked < boxes.length;
      });
    });
  }

  // Meeting pack: a print button.
  document.querySelectorAll("[data-action=print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // Decision form: say whether the chosen pathway follows the recommendation (the server decides again).
  var form = document.getElementById("decision-form");
  var indicator = document.getElementById("follows-indicator");
  if (form && indicator) {
    var recommended = form.dataset.recommended;
    var update = function () {
      var chosen = form.querySelector("input[name=pathway_code]:checked");
      if (!chosen) { return; }
      var follows = chosen.value === recommended;
      indicator.textContent = follows ? indicator.dataset.followsText : indicator.dataset.departsText;
      indicator.classList.toggle("alert-success", follows);
      indicator.classList.toggle("alert-warning", !follows);
      indicator.classList.toggle("alert-light", false);
    };
    form.addEventListener("change", update);
    update();
  }
})();
