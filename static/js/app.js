// Small page behaviour; no inline scripts (strict CSP).
"use strict";

// --- Session banner and CSRF token refresh ------------------------------------
// An HTMX request from an expired session answers 401 with this event (a refused
// CSRF check answers 403 with it): show the banner, keep the form as it is.
var sessionLost = false;

function showSessionBanner() {
  var banner = document.getElementById("session-banner");
  if (banner) {
    banner.classList.remove("d-none");
    banner.focus();
  }
}

function hideSessionBanner() {
  var banner = document.getElementById("session-banner");
  if (banner) {
    banner.classList.add("d-none");
  }
}

// Logging in (for example in another tab) rotates the CSRF token: put the current
// one into the body's hx-headers and every form before the next request.
function useToken(token) {
  document.body.setAttribute("hx-headers", JSON.stringify({"x-csrftoken": token}));
  document.querySelectorAll('input[name="csrfmiddlewaretoken"]').forEach(function (input) {
    input.value = token;
  });
}

// Resolves to true when the browser is logged in (and the token is now current).
function refreshSession() {
  var url = document.body.dataset.sessionTokenUrl;
  if (!url) {
    return Promise.resolve(false);
  }
  return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (answer) {
      if (!answer) {
        return false;
      }
      useToken(answer.csrf_token);
      if (answer.authenticated && sessionLost) {
        sessionLost = false;
        hideSessionBanner();
      }
      return answer.authenticated;
    })
    .catch(function () { return false; });
}

document.body.addEventListener("escc:session-expired", function (event) {
  sessionLost = true;
  showSessionBanner();
  // A refused CSRF check while still logged in only needs the current token:
  // take it and send the live update again.
  if (event.detail && event.detail.reason === "csrf") {
    refreshSession().then(function (loggedIn) {
      var form = document.getElementById("case-form");
      if (loggedIn && form && window.htmx) {
        window.htmx.trigger(form, "change");
      }
    });
  }
});

// Coming back from the log-in tab: take the new token at once.
window.addEventListener("focus", function () {
  if (sessionLost) {
    refreshSession();
  }
});

// A full-page POST first makes sure its token is current, so a log-in in another
// tab never turns a save into a CSRF refusal. Without a session the POST still
// goes out: the server keeps the entries until the user has logged in again.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") {
    return;
  }
  if (form.dataset.tokenChecked === "1") {
    delete form.dataset.tokenChecked;
    return;
  }
  var submitter = event.submitter;
  // Hold this submit back (other listeners see only the one sent after the check).
  event.preventDefault();
  event.stopImmediatePropagation();
  refreshSession().then(function () {
    form.dataset.tokenChecked = "1";
    form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
  });
}, true);

// In DEBUG (make run), django-htmx's debug script listens on the document and
// replaces the whole page with any 403 response, which would blank the form on
// a refused CSRF check. 401 and 403 are ours to explain: keep them from it (htmx
// itself still processes the response and its HX-Trigger event).
document.body.addEventListener("htmx:beforeOnLoad", function (event) {
  var status = event.detail.xhr.status;
  if (status === 401 || status === 403) {
    event.stopPropagation();
  }
});

// htmx does not swap error responses by default; make sure a 401 or 403 never
// replaces the form (the event above explains what happened instead).
document.body.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status === 401 || status === 403) {
    event.detail.shouldSwap = false;
  }
});

// --- Length counters -----------------------------------------------------------
// Fields carry their limit in data-maxlength (never maxlength, which silently cuts
// off what is typed or pasted): show "n / limit" and warn when over; the server
// refuses over-long text with a message naming the field. The counter only adds its
// own warning: a field the server marked invalid stays marked, so its error stays shown.
function attachCounter(field) {
  var limit = parseInt(field.dataset.maxlength, 10);
  var marked = field.classList.contains("is-invalid") || field.getAttribute("aria-invalid") === "true";
  var counter = document.createElement("div");
  counter.className = "form-text text-end length-counter";
  counter.id = field.id + "_counter";
  counter.setAttribute("aria-live", "polite");
  field.insertAdjacentElement("afterend", counter);
  var described = field.getAttribute("aria-describedby");
  field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
  function update() {
    var length = field.value.length;
    var over = length > limit;
    counter.textContent = length + " / " + limit + (over ? ": " + (length - limit) + " too many, shorten before saving" : "");
    counter.classList.toggle("text-danger", over);
    field.classList.toggle("is-invalid", over || marked);
  }
  field.addEventListener("input", update);
  update();
}

document.querySelectorAll("[data-maxlength]").forEach(attachCounter);

// --- Enter in a live-updating form ------------------------------------------------
// Enter in a one-line box (barcode scanners send one after each code) would submit the whole
// page through the form's default button ("Update result"); with the live update running it only
// updates the result, and the page, its focus and its entries stay as they are.
var SINGLE_LINE = ["text", "search", "email", "tel", "url", "number", "date", "time", "datetime-local"];
document.addEventListener("keydown", function (event) {
  var field = event.target;
  if (event.key !== "Enter" || !(field instanceof HTMLInputElement) || SINGLE_LINE.indexOf(field.type) < 0) {
    return;
  }
  var form = field.form;
  if (!form || !form.hasAttribute("hx-post") || !window.htmx) {
    return;
  }
  event.preventDefault();
  window.htmx.trigger(form, "change");
});

// --- Prognosis section ----------------------------------------------
// Whether the primary site and its growth are asked for is the server's decision
// (spec 8.2): each live update sends #prognosis-fields-state with it; this only
// shows or hides the two fields accordingly. No rule is written here.
document.body.addEventListener("htmx:afterSettle", function () {
  var state = document.getElementById("prognosis-fields-state");
  if (!state) {
    return;
  }
  ["primary_site", "primary_growth"].forEach(function (name) {
    var wrapper = document.getElementById("prognosis-field-" + name);
    if (wrapper) {
      wrapper.hidden = state.dataset[name === "primary_site" ? "primarySite" : "primaryGrowth"] !== "shown";
    }
  });
});

// --- Live update: parts kept as they are --------------------------------
// Each part of the result panel (and a few out-of-band ones) carries a digest of its HTML (data-part). Tell the
// server which parts this page shows; it then sends an empty placeholder (data-kept) wherever the
// page's copy is exactly what it would send, and kept_parts.js leaves that copy in place; a part in
// which anything changed comes whole.
document.body.addEventListener("htmx:configRequest", function (event) {
  var target = event.detail.target;
  if (!target || target.id !== "result-panel") {
    return;
  }
  var shown = [];
  document.querySelectorAll("[data-part]").forEach(function (part) {
    shown.push(part.id + ":" + part.dataset.part);
  });
  event.detail.parameters["shown_parts"] = shown.join(" ");
});

// --- The result panel while a live update is on its way --------------------------------
// #result-updating shows through htmx's request class (hx-indicator); the panel itself is marked
// busy, so its pathway reads as out of date until the answer to the latest entry arrives.
function markPanelBusy(busy) {
  var panel = document.getElementById("result-panel");
  if (panel) {
    if (busy) {
      panel.setAttribute("aria-busy", "true");
    } else {
      panel.removeAttribute("aria-busy");
    }
  }
}
document.body.addEventListener("htmx:beforeRequest", function (event) {
  if (event.detail.target && event.detail.target.id === "result-panel") {
    markPanelBusy(true);
  }
});
document.body.addEventListener("htmx:afterSettle", function () { markPanelBusy(false); });
document.body.addEventListener("htmx:afterRequest", function (event) {
  if (!event.detail.successful) {
    markPanelBusy(false);
  }
});
