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

// The school chooser of the directive form (templates/directives/_chooser*.html; why it is so:
// docs/decisions/directive-school-chooser.md). The chosen schools are the chips' checkboxes
// (name audience_school_ids): the first ones one by one, the others in one "and N more"
// checkbox whose value is their ids joined by commas. Ticking a result adds a chip, unticking a
// result or a chip removes it, "select all shown" ticks every result shown, "clear" removes
// them all; the count follows, and every change of the audience refreshes the preview below the
// fieldset ("audience-change", which its hx-trigger listens to). Without JavaScript the same
// checkboxes are posted as they are.
(function () {
  "use strict";

  function each(root, selector, fn) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  function chipList(chooser) { return chooser.querySelector("ul.chips"); }
  function moreBox(chooser) { return chooser.querySelector("[data-chip-more]"); }

  function moreIds(chooser) {
    var box = moreBox(chooser);
    return box && box.value ? box.value.split(",") : [];
  }

  function chosenIds(chooser) {
    var ids = {};
    each(chooser, "[data-chip]", function (box) { if (box.checked) ids[box.value] = true; });
    moreIds(chooser).forEach(function (id) { ids[id] = true; });
    return ids;
  }

  function counted(holder, n) {
    return (holder.getAttribute(n === 1 ? "data-one" : "data-other") || "").replace("#", n);
  }

  function makeChip(value, text, attribute, className) {
    var item = document.createElement("li");
    item.className = className;
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.name = "audience_school_ids";
    box.value = value;
    box.checked = true;
    box.setAttribute(attribute, "");
    var name = document.createElement("span");
    name.textContent = text;
    label.appendChild(box);
    label.appendChild(document.createTextNode(" "));
    label.appendChild(name);
    item.appendChild(label);
    return item;
  }

  function addChosen(chooser, id, name) {
    if (!/^\d+$/.test(id) || chosenIds(chooser)[id]) return;
    var list = chipList(chooser);
    var more = moreBox(chooser);
    var limit = parseInt(list.getAttribute("data-limit"), 10) || 50;
    if (list.querySelectorAll("[data-chip]").length < limit) {
      list.insertBefore(makeChip(id, name, "data-chip", "chip"), more ? more.closest("li") : null);
    } else if (more) {
      more.value = moreIds(chooser).concat([id]).join(",");
    } else {
      list.appendChild(makeChip(id, "", "data-chip-more", "chip chip-more"));
    }
  }

  function removeChosen(chooser, id) {
    var chip = chooser.querySelector("[data-chip][value='" + id + "']");
    if (chip) {
      chip.closest("li").remove();
      return;
    }
    var more = moreBox(chooser);
    if (!more) return;
    var rest = moreIds(chooser).filter(function (other) { return other !== id; });
    if (rest.length) more.value = rest.join(",");
    else more.closest("li").remove();
  }

  // Everything shown follows the chosen set: the count, "and N more", the ticks of the results.
  function refresh(chooser) {
    var ids = chosenIds(chooser);
    var n = Object.keys(ids).length;
    var count = chooser.querySelector("[data-chosen-count]");
    if (count) count.textContent = counted(count, n);
    var more = moreBox(chooser);
    if (more) more.closest("label").querySelector("span").textContent =
      counted(chipList(chooser), moreIds(chooser).length);
    each(chooser, "[data-chooser-pick]", function (box) {
      box.disabled = false;
      box.checked = !!ids[box.value];
    });
    each(chooser, "[data-chooser-js]", function (button) { button.hidden = false; });
    each(chooser, "[data-chooser-clear]", function (button) { button.hidden = n === 0; });
  }

  function audienceChanged(element) {
    var fieldset = element.closest("fieldset.audience");  // the element itself, or within it
    if (fieldset) fieldset.dispatchEvent(new CustomEvent("audience-change"));
  }

  function refreshAll(root) {
    if (root.matches && root.matches("[data-chooser]")) refresh(root);
    each(root, "[data-chooser]", refresh);
  }

  document.addEventListener("DOMContentLoaded", function () { refreshAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) {
    var chooser = event.target.closest && event.target.closest("[data-chooser]");
    if (chooser) {
      refresh(chooser);
      // "Select all N matching" answered new chips: the audience changed.
      if (event.target.id === "chooser-chosen") audienceChanged(chooser);
    } else if (event.target.querySelectorAll) {
      refreshAll(event.target);
    }
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    var fieldset = box.name && /^audience_/.test(box.name) && box.closest("fieldset.audience");
    if (!fieldset) return;
    var chooser = box.closest("[data-chooser]");
    if (chooser && box.matches("[data-chooser-pick]")) {
      if (box.checked) addChosen(chooser, box.value, box.getAttribute("data-name") || box.value);
      else removeChosen(chooser, box.value);
      refresh(chooser);
    } else if (chooser && box.matches("[data-chip], [data-chip-more]") && !box.checked) {
      // The chip goes; focus moves to its neighbour (or the search) rather than the page.
      var item = box.closest("li");
      var next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      refresh(chooser);
      var focus = next ? next.querySelector("input") : chooser.querySelector("input[name=school_q]");
      if (focus) focus.focus();
    }
    audienceChanged(fieldset);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest &&
      event.target.closest("[data-chooser-select-shown], [data-chooser-clear]");
    if (!button) return;
    var chooser = button.closest("[data-chooser]");
    if (button.matches("[data-chooser-clear]")) {
      each(chooser, "ul.chips li", function (item) { item.remove(); });
      refresh(chooser);
      var search = chooser.querySelector("input[name=school_q]");
      if (search) search.focus();
    } else {
      each(chooser, "[data-chooser-pick]", function (box) {
        if (!box.checked) addChosen(chooser, box.value, box.getAttribute("data-name") || box.value);
      });
      refresh(chooser);
    }
    audienceChanged(chooser);
  });
})();
