/* parcours live updates (ours, Apache-2.0 like the project): on a page with data-live-events="URL",
   listen to the journey's server-sent events; show "Version N saved by X — reload" in
   [data-live-banner] and who is editing where in [data-live-presence]. With
   data-live-presence-url, tell the server where this user is editing: on focus of any element
   with data-presence="stage:ID" (touchpoint:ID, persona:ID...). No inline script (CSP). */
(function () {
  "use strict";
  var root = document.querySelector("[data-live-events]");
  if (!root || !window.EventSource) return;
  var known = parseInt(root.getAttribute("data-live-version") || "0", 10) || 0;
  var url = root.getAttribute("data-live-events");
  url += (url.indexOf("?") < 0 ? "?" : "&") + "since=" + known;
  var banner = root.querySelector("[data-live-banner]");
  var people = root.querySelector("[data-live-presence]");
  var source = new EventSource(url);

  source.addEventListener("version", function (event) {
    var data = JSON.parse(event.data);
    if (data.number <= known || !banner) return;
    known = data.number;
    root.setAttribute("data-live-latest", String(known));
    banner.textContent = data.text + " — ";
    var link = document.createElement("a");
    link.href = window.location.pathname + window.location.search;
    link.textContent = data.reload;
    link.setAttribute("data-live-reload", "");
    banner.appendChild(link);
  });

  source.addEventListener("presence", function (event) {
    if (!people) return;
    var list = JSON.parse(event.data);
    people.textContent = "";
    if (!list.length) return;
    var ul = document.createElement("ul");
    ul.setAttribute("aria-label", people.getAttribute("data-live-presence-label") || "");
    list.forEach(function (who) {
      var li = document.createElement("li");
      li.textContent = who.label;
      li.setAttribute("data-where", who.where);
      ul.appendChild(li);
    });
    people.appendChild(ul);
  });

  var presenceUrl = root.getAttribute("data-live-presence-url");
  if (!presenceUrl) return;
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";
  var last = { where: "", at: 0 };
  document.addEventListener("focusin", function (event) {
    var target = event.target.closest ? event.target.closest("[data-presence]") : null;
    if (!target) return;
    var where = target.getAttribute("data-presence");
    var now = Date.now();
    if (where === last.where && now - last.at < 10000) return;
    last = { where: where, at: now };
    var body = new URLSearchParams();
    body.set("where", where);
    fetch(presenceUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": token },
    });
  });
})();
