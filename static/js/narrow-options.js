/* Long option lists of the timeline's filter form (<select data-narrow>) get a box above them that narrows the
   list as one types: "syr" leaves Syria, "us" puts the United States first. Accents and case are ignored, and
   the value (a country code, a slug) matches as well as the name. While narrowed, the list shows open below the
   box; Enter picks the first match if none is picked and applies the filters, Down arrow moves into the list.
   Without this script (or JavaScript) each list is a plain select, which also jumps to what one types. The site's
   Content-Security-Policy allows no inline script: this file is the whole of it. */
(function () {
  "use strict";

  var OPEN_ROWS = 8;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // What an option is found by: its name without the tree's indent and the count, and its value.
  function key(option) {
    var name = option.textContent.replace(/^(\u2014 )+/, "").replace(/ \([0-9,]+\)$/, "");
    return { name: fold(name), value: fold(option.value) };
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // 0: the value, or the start of the name; 1: the start of a word in the name; 2: anywhere in it; -1: no match.
  function rank(k, query, wordStart) {
    if (k.value === query || k.name.indexOf(query) === 0) return 0;
    if (wordStart.test(k.name)) return 1;
    return k.name.indexOf(query) >= 0 ? 2 : -1;
  }

  function enhance(select) {
    var options = Array.prototype.slice.call(select.options);
    var any = options.length && options[0].value === "" ? options.shift() : null;
    var keys = options.map(key);
    var what = select.getAttribute("data-narrow") || "the list"; // the field's name, e.g. "Country concerned"

    var box = document.createElement("input");
    box.type = "search";
    box.id = select.id + "_narrow";
    box.className = "narrow__box";
    box.autocomplete = "off";
    box.placeholder = "Type to narrow";
    box.setAttribute("aria-label", "Type to narrow: " + what);
    box.setAttribute("aria-controls", select.id);
    var status = document.createElement("p");
    status.className = "narrow__status";
    status.id = select.id + "_narrow_status";
    status.setAttribute("aria-live", "polite");
    box.setAttribute("aria-describedby", status.id);
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(status, select.nextSibling);

    function narrow() {
      var query = fold(box.value.trim());
      var found = options;
      if (query) {
        var ranked = [];
        var wordStart = new RegExp("[^a-z0-9]" + escapeRegExp(query));
        options.forEach(function (option, i) {
          var r = rank(keys[i], query, wordStart);
          if (r >= 0) ranked.push([r, i, option]);
        });
        ranked.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
        found = ranked.map(function (entry) { return entry[2]; });
      }
      var shown = any ? [any].concat(found) : found;
      var picked = select.value;
      while (select.firstChild) select.removeChild(select.firstChild);
      shown.forEach(function (option) { select.appendChild(option); });
      // Rebuilding a list lets the browser pick an option of its own: keep what was picked if it is still shown,
      // else nothing (a choice narrowed away is not submitted unseen).
      select.value = found.some(function (option) { return option.value === picked; }) ? picked : "";
      if (query) {
        select.size = Math.max(2, Math.min(OPEN_ROWS, shown.length));
        select.classList.add("narrow__list--open");
        status.textContent = found.length
          ? found.length + " of " + options.length + " shown"
          : "Nothing in the list matches “" + box.value.trim() + "”";
      } else {
        select.removeAttribute("size");
        select.classList.remove("narrow__list--open");
        status.textContent = "";
      }
      return found;
    }

    function pickFirst(found) {
      if (found.length && select.value === "") found[0].selected = true;
    }

    box.addEventListener("input", narrow);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        pickFirst(narrow()); // and the form is submitted as usual
      } else if (event.key === "ArrowDown" && box.value.trim()) {
        event.preventDefault();
        pickFirst(narrow());
        select.focus();
      }
    });
    // In the open list, Enter applies the filters as it does in the box.
    select.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && select.size > 1 && select.form) {
        event.preventDefault();
        select.form.requestSubmit();
      }
    });
  }

  function start() {
    var lists = document.querySelectorAll("select[data-narrow]");
    for (var i = 0; i < lists.length; i++) enhance(lists[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
