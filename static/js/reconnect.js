// The assessment page while the service restarts (a database or app-server restart): the live
// update answered 503 (or nothing at all), so keep every entry, say so, and retry by itself.
// No inline scripts (strict CSP); loaded by the case form page only.
"use strict";

(function () {
  var form = document.getElementById("case-form");
  var note = document.getElementById("reconnect-note");
  if (!form || !note) {
    return;
  }
  var MIN_WAIT_S = 1;
  var MAX_WAIT_S = 30;
  var timer = null;
  var attempts = 0;
  var reconnecting = false;

  function retryAfter(xhr) {
    var seconds = parseInt(xhr && xhr.getResponseHeader("Retry-After"), 10);
    if (isNaN(seconds)) {
      // No answer at all: try soon, then back off.
      seconds = Math.min(MAX_WAIT_S, Math.pow(2, attempts));
    }
    return Math.max(MIN_WAIT_S, Math.min(MAX_WAIT_S, seconds));
  }

  function showNote(text) {
    note.querySelector("[data-reconnect-text]").textContent = text;
    note.classList.remove("d-none");
  }

  function scheduleRetry(xhr) {
    reconnecting = true;
    attempts += 1;
    var wait = retryAfter(xhr);
    showNote("Reconnecting: the service is restarting. Your entries are kept on this page; the result updates by itself in " + wait + " s.");
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      // The same request the form sends on a change: the whole form, into the result panel.
      htmx.trigger(form, "change");
    }, wait * 1000);
  }

  function isUnavailable(status) {
    return status === 502 || status === 503 || status === 504;
  }

  form.addEventListener("htmx:responseError", function (event) {
    if (isUnavailable(event.detail.xhr.status)) {
      scheduleRetry(event.detail.xhr);
    }
  });
  form.addEventListener("htmx:sendError", function (event) {
    scheduleRetry(event.detail.xhr);
  });
  form.addEventListener("htmx:afterRequest", function (event) {
    var status = event.detail.xhr.status;
    if (reconnecting && status > 0 && !isUnavailable(status)) {
      reconnecting = false;
      attempts = 0;
      window.clearTimeout(timer);
      note.classList.add("d-none");
    }
  });

  // A save while the service is known to be restarting would only reach the 503 page: keep the
  // entries here instead and say why nothing was saved.
  form.addEventListener("submit", function (event) {
    if (reconnecting) {
      event.preventDefault();
      showNote("Not saved: the service is restarting. Your entries are kept on this page; save again when this note has gone.");
    }
  });
})();
