// The map page: a comment count on each card of the map that has comments, linking to its
// thread. The counts come from the comments' JSON twin; without this script the comments
// panel below the map lists every thread with its anchor.
(function () {
  "use strict";
  var ATTRIBUTE = { stage: "data-stage", touchpoint: "data-touchpoint", pain_point: "data-pain", opportunity: "data-opportunity" };
  function badges() {
    var slot = document.querySelector("[data-key]");
    var map = document.querySelector(".map");
    if (!slot || !map) return;
    var key = slot.getAttribute("data-key");
    fetch("/api/journeys/" + encodeURIComponent(key) + "/comments", { credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (page) {
        if (!page) return;
        map.querySelectorAll("a.comment-count").forEach(function (old) { old.remove(); });
        page.anchors.forEach(function (anchor) {
          var name = ATTRIBUTE[anchor.kind];
          if (!name || !anchor.count) return;
          var card = map.querySelector("[" + name + '="' + CSS.escape(anchor.id) + '"]');
          if (!card) return;
          var link = document.createElement("a");
          link.className = "comment-count";
          link.href = "/journeys/" + encodeURIComponent(key) + "/comments?anchor=" + anchor.kind + ":" + encodeURIComponent(anchor.id);
          link.textContent = "💬 " + anchor.count;
          link.setAttribute("aria-label", anchor.count + " " + (document.documentElement.lang === "en" ? "comments" : "commentaires") + " · " + anchor.label);
          card.appendChild(link);
        });
      });
  }
  document.addEventListener("DOMContentLoaded", badges);
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "comments") badges();
  });
})();
