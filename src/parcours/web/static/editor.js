/* parcours map editor: drag and drop with SortableJS, focus kept on the edited or moved card,
   Enter / Ctrl+Enter saves a lane, Escape cancels. No inline script: loaded with defer. */
(function () {
  "use strict";
  var returnFocus = null;

  function editor() { return document.getElementById("editor"); }

  function post(values) {
    var root = editor();
    if (!root || !window.htmx) return;
    values.view = JSON.parse(root.getAttribute("hx-vals") || "{}").view || "grid";
    htmx.ajax("POST", "/journeys/" + root.dataset.key + "/edit", {
      target: "#editor-body", swap: "outerHTML", values: values,
      headers: { "X-CSRF-Token": root.dataset.csrf }
    });
  }

  function sortables() {
    if (!window.Sortable) return;
    var board = document.getElementById("board");
    if (!board || board.dataset.sorted) return;
    board.dataset.sorted = "1";
    Sortable.create(board, {
      handle: ".stage > .ecard > .ctitle .handle", draggable: "section.stage", animation: 120,
      forceFallback: true,
      onEnd: function (e) {
        if (e.oldIndex === e.newIndex) return;
        post({ op: "move", what: "stage", id: e.item.dataset.id, index: String(e.newIndex) });
      }
    });
    board.querySelectorAll("ol.touchpoints").forEach(function (list) {
      Sortable.create(list, {
        group: "touchpoints", handle: ".handle", animation: 120, forceFallback: true,
        onEnd: function (e) {
          if (e.from === e.to && e.oldIndex === e.newIndex) return;
          post({ op: "move", what: "touchpoint", id: e.item.dataset.id,
                 parent: e.to.dataset.stage, index: String(e.newIndex) });
        }
      });
    });
  }

  document.addEventListener("htmx:beforeRequest", function (e) {
    var elt = e.detail.elt;
    if (elt.classList && elt.classList.contains("preview")) return;
    var holder = elt.closest ? elt.closest("[data-return-focus]") : null;
    if (holder) returnFocus = holder.dataset.returnFocus;
    else if (elt.id) returnFocus = elt.id;
    var card = elt.closest ? elt.closest(".ecard") : null;
    document.body.dataset.lastCard = card ? card.id : "";
  });

  document.addEventListener("htmx:beforeSwap", function (e) {
    var status = e.detail.xhr.status;
    if (status === 409 || status === 422) { e.detail.shouldSwap = true; e.detail.isError = false; }
  });

  document.addEventListener("htmx:afterSettle", function (e) {
    var elt = e.detail.elt;
    if (elt && elt.classList && elt.classList.contains("preview")) return;
    var target = e.detail.target;
    if (target && target.id) target = document.getElementById(target.id) || target;
    if (target && target.classList && target.classList.contains("editing")) {
      var input = target.querySelector("input:not([type=hidden]), textarea, select");
      if (input) { input.focus(); returnFocus = null; return; }
    }
    if (returnFocus) {
      var again = document.getElementById(returnFocus);
      if (!again && document.body.dataset.lastCard) {
        again = document.getElementById(document.body.dataset.lastCard);
      }
      if (again) again.focus();
      returnFocus = null;
    }
    sortables();
  });

  document.addEventListener("keydown", function (e) {
    var form = e.target.closest ? e.target.closest("form.edit-form") : null;
    if (!form) return;
    if (e.key === "Escape") {
      e.preventDefault();
      var cancel = form.querySelector("button.cancel");
      if (cancel) cancel.click();
    } else if (e.key === "Enter" && e.target.tagName === "TEXTAREA" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  document.addEventListener("DOMContentLoaded", sortables);
})();
