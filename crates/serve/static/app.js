// corroborate serve: the one script. Pages work without it; it only refreshes the story list
// on the index while an ingest adds stories: it polls /api/generation (one small JSON number)
// and, when the store's generation moved, fetches this same page and swaps in its #stories
// list. It never inserts markup of its own and never evaluates anything it receives.
(function () {
  "use strict";
  var list = document.getElementById("stories");
  if (!list || document.body.getAttribute("data-page") !== "index") return;
  var seen = list.getAttribute("data-generation");
  var busy = false;
  function refresh() {
    if (busy || document.hidden) return;
    busy = true;
    fetch("/api/generation", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j || String(j.generation) === seen) return null;
        return fetch(location.href, { credentials: "same-origin", cache: "no-store" })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (text) {
            if (!text) return;
            var doc = new DOMParser().parseFromString(text, "text/html");
            var fresh = doc.getElementById("stories");
            var current = document.getElementById("stories");
            if (fresh && current) {
              current.replaceWith(document.importNode(fresh, true));
              seen = fresh.getAttribute("data-generation");
            }
          });
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }
  setInterval(refresh, 2000);
})();
