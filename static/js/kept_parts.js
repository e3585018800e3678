// The live update's swap (docs/decisions/0012-live-update-merge.md): an htmx extension for
// hx-swap="kept-parts". The answer is a list of elements with ids (the result panel, the sticky
// summary, the announcement, and the flowchart or the prognosis notes when they changed); each is
// merged into the page's element with the same id, changing only what differs, so one finding changed
// touches a few elements instead of the whole panel. A part the page already shows exactly comes as an
// empty placeholder marked data-kept (assessments/templatetags/live_update.py) and stays as it is.
// No rule is written here: this only puts the server's answer on the page.
"use strict";

(function () {
  var KEPT = "data-kept";

  function isElement(node) {
    return node.nodeType === Node.ELEMENT_NODE;
  }

  function isKept(node) {
    return isElement(node) && node.hasAttribute(KEPT);
  }

  // `node` as it goes onto the page: each placeholder in it replaced by the page's own copy (the page
  // reported that part with this digest, so its copy is exactly what the server would have sent). If a
  // copy has gone meanwhile, the placeholder loses its digest and the next update sends the part whole.
  function adopt(node, state) {
    if (!isElement(node)) {
      return node;
    }
    var placeholders = isKept(node) ? [node] : Array.prototype.slice.call(node.querySelectorAll("[" + KEPT + "]"));
    var result = node;
    placeholders.forEach(function (placeholder) {
      var shown = document.getElementById(placeholder.id);
      if (!shown) {
        placeholder.removeAttribute("data-part");
        state.missing = true;
      } else if (placeholder === node) {
        result = shown;
      } else {
        placeholder.replaceWith(shown);
      }
    });
    if (result === node) {
      state.inserted.push(node);
    }
    return result;
  }

  // Whether a disclosure is open is the user's: an element the merge lines up with the page's (by id, or
  // by its place among children that line up) keeps it. One that comes new (its surroundings changed)
  // opens as the answer says, as it would on a fresh page.
  function isUsers(element, name) {
    return name === "open" && element.localName === "details";
  }

  function syncAttributes(shown, sent) {
    var i;
    for (i = shown.attributes.length - 1; i >= 0; i--) {
      var name = shown.attributes[i].name;
      if (!sent.hasAttribute(name) && !isUsers(shown, name)) {
        shown.removeAttribute(name);
      }
    }
    for (i = 0; i < sent.attributes.length; i++) {
      var attribute = sent.attributes[i];
      if (shown.getAttribute(attribute.name) !== attribute.value && !isUsers(shown, attribute.name)) {
        shown.setAttribute(attribute.name, attribute.value);
      }
    }
  }

  // Two child lists line up when they have the same length and, place by place, the same kind of node
  // (for elements the same tag and id).
  function inStep(shown, sent) {
    if (shown.length !== sent.length) {
      return false;
    }
    for (var i = 0; i < sent.length; i++) {
      if (shown[i].nodeType !== sent[i].nodeType) {
        return false;
      }
      if (isElement(sent[i]) && (shown[i].tagName !== sent[i].tagName || shown[i].id !== sent[i].id)) {
        return false;
      }
    }
    return true;
  }

  // Put `wanted` as `parent`'s children, leaving in place the ones already there.
  function placeChildren(parent, wanted) {
    var keep = new Set(wanted);
    Array.prototype.slice.call(parent.childNodes).forEach(function (node) {
      if (!keep.has(node)) {
        node.remove();
      }
    });
    for (var i = 0; i < wanted.length; i++) {
      if (parent.childNodes[i] !== wanted[i]) {
        parent.insertBefore(wanted[i], parent.childNodes[i] || null);
      }
    }
  }

  // Make `shown` (on the page) show what `sent` (from the answer) shows.
  function merge(shown, sent, state) {
    if (isKept(sent) || shown.isEqualNode(sent)) {
      return;
    }
    if (!isElement(sent)) {
      shown.nodeValue = sent.nodeValue;
      return;
    }
    syncAttributes(shown, sent);
    var shownChildren = Array.prototype.slice.call(shown.childNodes);
    var sentChildren = Array.prototype.slice.call(sent.childNodes);
    if (inStep(shownChildren, sentChildren)) {
      for (var i = 0; i < sentChildren.length; i++) {
        merge(shownChildren[i], sentChildren[i], state);
      }
      return;
    }
    // Children added or removed: those with an id on both sides are merged and stay; the rest is new.
    var byId = {};
    shownChildren.forEach(function (child) {
      if (isElement(child) && child.id) {
        byId[child.id] = child;
      }
    });
    placeChildren(shown, sentChildren.map(function (child) {
      var match = isElement(child) && child.id ? byId[child.id] : undefined;
      if (match && match.tagName === child.tagName) {
        merge(match, child, state);
        return match;
      }
      return adopt(child, state);
    }));
  }

  htmx.defineExtension("kept-parts", {
    handleSwap: function (swapStyle, target, fragment, settleInfo) {
      if (swapStyle !== "kept-parts") {
        return false;
      }
      var state = {inserted: [], missing: false};
      Array.prototype.slice.call(fragment.children).forEach(function (sent) {
        var shown = sent.id ? document.getElementById(sent.id) : null;
        if (shown && shown.tagName === sent.tagName) {
          merge(shown, sent, state);
        } else if (shown) {
          shown.replaceWith(adopt(sent, state));
        }
      });
      settleInfo.elts = [document.getElementById(target.id) || target]; // htmx:afterSwap, htmx:afterSettle
      if (state.missing) {
        // A kept part had gone from the page: ask again, and this time the server sends it whole.
        window.setTimeout(function () {
          htmx.trigger(document.getElementById("case-form"), "change");
        }, 0);
      }
      return state.inserted; // htmx processes these (htmx:load) when it settles
    },
  });
})();
