// Names each autocomplete box (select2), and the choice shown in it, after its form label, for screen readers: select2 labels its box only by the
// text of the choice made, so an empty box had no accessible name. A jQuery ready callback registered after the
// admin's autocomplete.js, so it runs once the boxes are built (jQuery runs ready callbacks in order, after load).
"use strict";
window.django.jQuery(() => {
  for (const select of document.querySelectorAll("select.admin-autocomplete")) {
    const label = document.querySelector(`label[for="${select.id}"]`);
    const box = select.parentElement.querySelector(".select2-selection[role=combobox]");
    if (!label || !box) continue;
    label.id = label.id || `${select.id}-label`;
    const shown = box.getAttribute("aria-labelledby");
    box.setAttribute("aria-labelledby", shown ? `${label.id} ${shown}` : label.id);
    // The choice shown inside the box is a read-only text box of its own: named after the label too.
    box.querySelector(".select2-selection__rendered")?.setAttribute("aria-labelledby", label.id);
  }
});
