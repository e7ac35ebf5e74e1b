// Small behaviours that need JavaScript; every page works without it.
// No inline script anywhere (the Content Security Policy forbids it): everything lives here.
(function () {
  "use strict";

  // After an htmx swap, focus lands where the change happened and the change is announced, so
  // keyboard and screen-reader users learn what changed. In the updated region, in this order:
  // the first field in error, an element marked [data-focus] (the message or the new field the
  // server wants focused), an error or status message, the region's first heading, the region
  // itself. Focus is moved only when the user was acting there (it would otherwise fall to the
  // page's body) or the server asked for it; a list filtered while typing keeps the focus in the
  // search box, and the bell's polling never takes it.
  var FOCUS_ORDER = [
    "[aria-invalid='true']",
    "[data-focus]",
    ".error, [role='alert'], [role='status']",
    "h1, h2, h3, h4, legend"
  ];
  var pending = null;

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    pending = target && {
      target: target,
      parent: target.parentNode,
      next: target.nextSibling,
      focused: document.activeElement
    };
  });

  // The region the answer replaced or filled: the target itself, or what now stands in its place.
  function swappedRegion(swap) {
    var target = swap.target;
    if (target.isConnected) return target;
    if (target.id && document.getElementById(target.id)) return document.getElementById(target.id);
    if (!swap.parent || !swap.parent.isConnected) return null;
    var after = swap.next && swap.next.isConnected ? swap.next : null;
    return after ? after.previousElementSibling : swap.parent.lastElementChild;
  }

  function visible(element) {
    return element.getClientRects().length > 0;
  }

  function focusTarget(region) {
    for (var i = 0; i < FOCUS_ORDER.length; i++) {
      var found = region.matches(FOCUS_ORDER[i]) ? [region]
        : region.querySelectorAll(FOCUS_ORDER[i]);
      for (var j = 0; j < found.length; j++) {
        if (visible(found[j])) return found[j];
      }
    }
    return region;
  }

  function announce(text) {
    var box = document.getElementById("announcer");
    if (!box || !text) return;
    box.textContent = "";
    window.setTimeout(function () { box.textContent = text.replace(/\s+/g, " ").trim(); }, 100);
  }

  function moveFocus(element) {
    if (!element.matches("a[href], button, input, select, textarea, summary, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  // Fired for every element settled (out-of-band ones too); the first one handles the request.
  document.addEventListener("htmx:afterSettle", function () {
    var swap = pending;
    pending = null;
    if (!swap) return;
    var region = swappedRegion(swap);
    if (!region) return;
    var active = document.activeElement;
    var lost = !swap.focused || !swap.focused.isConnected || !active || active === document.body;
    var asked = region.querySelector("[data-focus], [aria-invalid='true']");
    if (!lost && !asked) {
      // Focus stays where the user is (typing in a filter); the new count is read out instead.
      var said = region.querySelector("[data-announce]");
      if (said) announce(said.textContent);
      return;
    }
    var element = focusTarget(region);
    moveFocus(element);
  });

  // The directive body's toolbar (templates/directives/form.html): bold, list, heading and
  // link written as Markdown around the selection, so nobody needs to know Markdown; the
  // textarea then fires "input", which refreshes the server-side preview (htmx).
  function formatMarkdown(area, kind) {
    var start = area.selectionStart, end = area.selectionEnd, text = area.value;
    var chosen = text.slice(start, end);
    var before = text.slice(0, start), after = text.slice(end);
    var inserted, selectFrom, selectTo;
    if (kind === "bold") {
      inserted = "**" + chosen + "**";
      selectFrom = start + 2; selectTo = selectFrom + chosen.length;
    } else if (kind === "link") {
      inserted = "[" + chosen + "](https://)";
      selectFrom = start + chosen.length + 3; selectTo = selectFrom + 8;
    } else {
      // Whole lines: from the start of the first chosen line to the end of the last.
      var lineStart = before.lastIndexOf("\n") + 1;
      var lineEnd = after.indexOf("\n");
      lineEnd = lineEnd < 0 ? text.length : end + lineEnd;
      before = text.slice(0, lineStart);
      after = text.slice(lineEnd);
      var prefix = kind === "heading" ? "## " : "- ";
      inserted = text.slice(lineStart, lineEnd).split("\n").map(function (line) {
        return line.indexOf(prefix) === 0 ? line : prefix + line;
      }).join("\n");
      selectFrom = lineStart + inserted.length; selectTo = selectFrom;
    }
    area.value = before + inserted + after;
    area.focus();
    area.setSelectionRange(selectFrom, selectTo);
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function wireToolbars(root) {
    var bars = (root || document).querySelectorAll("[data-md-for]");
    for (var i = 0; i < bars.length; i++) bars[i].hidden = false;
  }
  document.addEventListener("DOMContentLoaded", function () { wireToolbars(document); });
  document.addEventListener("htmx:afterSettle", function (event) { wireToolbars(event.target); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-md-for] [data-md]");
    if (!button) return;
    var bar = button.closest("[data-md-for]");
    var area = document.getElementById(bar.getAttribute("data-md-for"));
    if (area) formatMarkdown(area, button.getAttribute("data-md"));
  });

  // A failed htmx request (network down, 5xx) is said out loud instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var box = document.getElementById("htmx-error");
    if (box) {
      box.hidden = false;
    }
  });
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("htmx-error");
    if (box) {
      box.hidden = false;
    }
  });
})();
