// Names each autocomplete box (select2) after its field, for screen readers: select2's combobox is otherwise named
// only by the value chosen (an empty "Target country" in the codings table had no name at all), and the search box
// of a multiple choice (topics, countries) by nothing. The field's name is the select's aria-label (the codings and
// links inlines, statements/admin/positions.py, where a column heading names no control) or its label. Runs after
// Django's autocomplete.js has made the boxes: as a jQuery ready handler registered after its own (jQuery runs them
// in order, and not always before the window's load event), and for each row added to an inline.
"use strict";
{
    function fieldName(select) {
        const label = select.getAttribute("aria-label") || (select.labels[0] ? select.labels[0].textContent : "");
        return label.trim().replace(/:$/, "");
    }

    function nameBox(select) {
        const name = fieldName(select);
        const container = select.nextElementSibling;
        const box = container && container.querySelector(".select2-selection");
        if (!name || !box) {
            return;
        }
        box.removeAttribute("aria-labelledby");
        box.setAttribute("aria-label", name);
        // The value shown inside is the combobox's content, not a read-only text box of no name of its own.
        const shown = box.querySelector(".select2-selection__rendered");
        if (shown && !select.multiple) {
            shown.removeAttribute("role");
            shown.removeAttribute("aria-readonly");
        }
        const search = box.querySelector(".select2-search__field");
        if (search) {
            search.setAttribute("aria-label", name);
        }
    }

    function nameBoxes(root) {
        root.querySelectorAll("select.admin-autocomplete:not([name*=__prefix__])").forEach(nameBox);
    }

    window.django.jQuery(() => nameBoxes(document));
    document.addEventListener("formset:added", (event) => nameBoxes(event.target));
}
