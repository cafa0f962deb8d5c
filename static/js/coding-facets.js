// The timeline's facets for codings (target, stance, speech act) are counted apart from the page, so the page is
// not kept waiting for them (docs/performance.md): this fetches them and puts them in place of the link to them.
// Without JavaScript, or if the fetch fails, the link stays and opens them as a page of their own.
(function () {
  "use strict";
  document.querySelectorAll("[data-coding-facets]").forEach(function (box) {
    fetch(box.getAttribute("data-coding-facets"), { headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        // Markup made by the server's templates, every value escaped there.
        box.innerHTML = html;
        box.setAttribute("aria-busy", "false");
      })
      .catch(function () {
        box.setAttribute("aria-busy", "false");
      });
  });
})();
