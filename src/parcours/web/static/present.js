// Presentation mode: the arrow keys (and Page Up / Page Down) move to the previous or next
// stage, as the page's own links do.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    var id = null;
    if (event.key === "ArrowRight" || event.key === "PageDown") id = "present-next";
    if (event.key === "ArrowLeft" || event.key === "PageUp") id = "present-prev";
    var link = id && document.getElementById(id);
    if (link) {
      event.preventDefault();
      window.location.assign(link.href);
    }
  });
})();
