// The prior radiation courses inside each lesion card: add one (a copy of #course-template), remove one.
// Without JavaScript the same works through the course formset: "Add a prior course" is a submit button and
// "Remove this course" a checkbox that the server reads. No inline scripts (strict CSP).
"use strict";

(function () {
  var form = document.getElementById("case-form");
  var cards = document.getElementById("lesion-cards");
  var template = document.getElementById("course-template");
  if (!form || !cards || !template) {
    return;
  }

  function shown(elements) {
    return Array.prototype.filter.call(elements, function (element) {
      return !element.classList.contains("d-none");
    });
  }

  function liveUpdate() {
    if (window.htmx) {
      window.htmx.trigger(form, "change");
    }
  }

  // Each entry's title and the lesion and entry its boxes are named by follow the order on screen, as the
  // server names them once the page is drawn again ("Lesion 2, prior course 1").
  function refresh() {
    shown(cards.querySelectorAll("[data-lesion-card]")).forEach(function (card, lesionPosition) {
      var section = card.querySelector("[data-courses]");
      if (!section) {
        return;
      }
      var entries = shown(section.querySelectorAll("[data-course-entry]"));
      entries.forEach(function (entry, position) {
        var title = "Prior course " + (position + 1);
        entry.querySelector("[data-course-title]").textContent = title;
        entry.querySelector("[data-course-title-copy]").textContent = title.toLowerCase();
        entry.querySelectorAll("[data-course-where]").forEach(function (where) {
          where.textContent = "Lesion " + (lesionPosition + 1) + ", prior course " + (position + 1) + ", ";
        });
      });
      section.querySelector("[data-course-lesion]").textContent = "to lesion " + (lesionPosition + 1);
      var full = entries.length >= parseInt(template.dataset.maxCourses, 10);
      section.querySelector("[data-add-course]").classList.toggle("d-none", full);
      section.querySelector("[data-course-limit]").classList.toggle("d-none", !full);
      section.querySelector("[data-no-course]").classList.toggle("d-none", entries.length > 0);
    });
  }

  function wire(entry) {
    var box = entry.querySelector("[data-remove-course-box]");
    if (box) {
      box.classList.add("d-none");
    }
    entry.querySelector("[data-remove-course]").classList.remove("d-none");
  }

  function add(section) {
    var card = section.closest("[data-lesion-card]");
    var total = section.querySelector('input[name$="-TOTAL_FORMS"]');
    var list = section.querySelector("[data-course-list]");
    var number = parseInt(total.value, 10);
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML
      .replace(/__lesion__/g, card.dataset.lesionCard)
      .replace(/__course__/g, String(number))
      .replace(/__lnum__/g, "1")
      .replace(/__cnum__/g, "1");
    var entry = holder.firstElementChild;
    list.appendChild(entry);
    total.value = String(number + 1);
    wire(entry);
    refresh();
    var first = entry.querySelector("input:not([type=hidden])");
    if (first) {
      first.focus();
    }
    liveUpdate();
  }

  function remove(entry) {
    // The entry is kept in the page, marked for removal (formset DELETE), so nothing is renumbered.
    entry.querySelector('input[name$="-DELETE"]').checked = true;
    entry.classList.add("d-none");
    var section = entry.closest("[data-courses]");
    refresh();
    section.querySelector("[data-add-course]").focus();
    liveUpdate();
  }

  cards.querySelectorAll("[data-course-entry]").forEach(wire);
  cards.addEventListener("click", function (event) {
    var adder = event.target.closest("[data-add-course]");
    if (adder) {
      event.preventDefault();
      add(adder.closest("[data-courses]"));
      return;
    }
    var remover = event.target.closest("[data-remove-course]");
    if (remover) {
      remove(remover.closest("[data-course-entry]"));
      return;
    }
    if (event.target.closest("[data-remove-lesion]")) {
      refresh();  // the lesions after a removed one move up a number
    }
  });
  // A card added by lesions.js arrives with its (empty) course section.
  new MutationObserver(refresh).observe(cards, { childList: true });

  refresh();
})();
