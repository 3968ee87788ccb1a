// The opportunity board: drag a card onto another quadrant. The drop sets the card's own
// quadrant select and submits its form, the same form a keyboard user submits (htmx swaps
// the board). Native HTML drag and drop; events are delegated, so swapped boards work too.
(function () {
  "use strict";
  var dragged = null;
  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("li.opp[draggable=true]");
    if (!card) return;
    dragged = card.getAttribute("data-card");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged);
    card.classList.add("dragging");
  });
  document.addEventListener("dragend", function (event) {
    var card = event.target.closest && event.target.closest("li.opp");
    if (card) card.classList.remove("dragging");
    dragged = null;
  });
  document.addEventListener("dragover", function (event) {
    var zone = event.target.closest && event.target.closest("ul.drop[data-quadrant]");
    if (zone && dragged) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
    }
  });
  document.addEventListener("drop", function (event) {
    var zone = event.target.closest && event.target.closest("ul.drop[data-quadrant]");
    if (!zone || !dragged) return;
    event.preventDefault();
    var card = document.querySelector('li.opp[data-card="' + CSS.escape(dragged) + '"]');
    var select = card && card.querySelector("select[name=quadrant]");
    if (!select || select.value === zone.getAttribute("data-quadrant")) return;
    select.value = zone.getAttribute("data-quadrant");
    select.form.requestSubmit();
  });
})();
