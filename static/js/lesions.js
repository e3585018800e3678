// The lesion cards of the case form: add one (a copy of the empty card), remove one, mark the index.
// Without JavaScript the same works through the Django formset: "Add a lesion" and "Remove this
// lesion" are a submit button and a checkbox that the server reads. No inline scripts (strict CSP).
"use strict";

(function () {
  var form = document.getElementById("case-form");
  var cards = document.getElementById("lesion-cards");
  var template = document.getElementById("lesion-template");
  var addButton = document.getElementById("add-lesion");
  var limitNote = document.getElementById("lesion-limit");
  var total = document.getElementById("id_lesions-TOTAL_FORMS");
  if (!form || !cards || !template || !addButton || !total) {
    return;
  }
  var maxLesions = parseInt(cards.dataset.maxLesions, 10) || 8;

  function visibleCards() {
    return Array.prototype.filter.call(cards.querySelectorAll("[data-lesion-card]"), function (card) {
      return !card.classList.contains("d-none");
    });
  }

  function liveUpdate() {
    if (window.htmx) {
      window.htmx.trigger(form, "change");
    }
  }

  // Titles follow the order on screen ("Lesion 1", "Lesion 2", ...), as the result panel names them.
  function refresh() {
    var shown = visibleCards();
    shown.forEach(function (card, position) {
      var title = "Lesion " + (position + 1);
      card.querySelector("[data-lesion-title]").textContent = title;
      card.querySelector("[data-lesion-title-copy]").textContent = title.toLowerCase();
      card.querySelector("[data-lesion-title-label]").textContent = title + ": ";
      card.querySelector("[data-remove-lesion]").classList.toggle("d-none", shown.length < 2);
      var radio = card.querySelector('input[name="lesions-index"]');
      card.classList.toggle("lesion-index", radio.checked);
      card.classList.toggle("border-primary", radio.checked);
    });
    var full = shown.length >= maxLesions;
    addButton.classList.toggle("d-none", full);
    if (limitNote) {
      limitNote.classList.toggle("d-none", !full);
    }
  }

  function wire(card) {
    var box = card.querySelector("[data-remove-box]");
    if (box) {
      box.classList.add("d-none");
    }
    card.querySelector("[data-remove-lesion]").addEventListener("click", function () {
      // The card is kept in the page, marked for removal (formset DELETE), so nothing is renumbered.
      card.querySelector('input[name$="-DELETE"]').checked = true;
      var radio = card.querySelector('input[name="lesions-index"]');
      radio.checked = false;
      card.classList.add("d-none");
      refresh();
      addButton.focus();
      liveUpdate();
    });
  }

  cards.querySelectorAll("[data-lesion-card]").forEach(wire);
  cards.addEventListener("change", function (event) {
    if (event.target.name === "lesions-index") {
      refresh();
    }
  });

  addButton.addEventListener("click", function (event) {
    event.preventDefault();
    if (visibleCards().length >= maxLesions) {
      return;
    }
    var number = parseInt(total.value, 10);
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(number)).replace(/__num__/g, String(visibleCards().length + 1));
    var card = holder.firstElementChild;
    cards.appendChild(card);
    total.value = String(number + 1);
    wire(card);
    refresh();
    var level = card.querySelector("select");
    if (level) {
      level.focus();
    }
    liveUpdate();
  });

  refresh();
})();
