// Names each autocomplete box (select2) after its field, for screen readers: select2's combobox is otherwise named
// only by the value chosen, so an empty "Target country" in the codings table had no name at all. The field's name
// is the select's aria-label (statements/admin/positions.py). Runs after Django's autocomplete.js has made the
// boxes: as a jQuery ready handler registered after its own (jQuery runs them in order, and not always before the
// window's load event), and for each row added to an inline.
"use strict";
{
    function nameBox(select) {
        const container = select.nextElementSibling;
        const box = container && container.querySelector(".select2-selection");
        if (box) {
            box.removeAttribute("aria-labelledby");
            box.setAttribute("aria-label", select.getAttribute("aria-label"));
            // The value shown inside is the combobox's content, not a read-only text box of no name of its own.
            const shown = box.querySelector(".select2-selection__rendered");
            if (shown) {
                shown.removeAttribute("role");
                shown.removeAttribute("aria-readonly");
            }
        }
    }

    function nameBoxes(root) {
        root.querySelectorAll("select.admin-autocomplete[aria-label]").forEach(nameBox);
    }

    window.django.jQuery(() => nameBoxes(document));
    document.addEventListener("formset:added", (event) => nameBoxes(event.target));
}
