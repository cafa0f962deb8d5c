// "Copy" buttons beside each citation on a permalink (templates/includes/cite.html). The buttons are hidden in the
// page and shown here only when the browser can write to the clipboard, so without script nothing is offered that
// does not work. A file, not an inline script: the site's Content-Security-Policy allows no inline code.
(function () {
  "use strict";
  if (!navigator.clipboard || !navigator.clipboard.writeText) {
    return;
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent.trim()).then(
        function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 2000);
        },
        function () {
          button.textContent = "Select and copy the text";
        }
      );
    });
  });
})();
