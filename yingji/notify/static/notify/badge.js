// Keeps the navigation's unread badge current. It asks the inbox API every 30 s and when the tab comes back
// into view: cheap, and it works under any server. Live clients (the alarm console, apps) can instead listen
// to the "notify.inbox" topic on /api/v1/events/stream, which the server publishes to this user only.
(function () {
  "use strict";
  var badge = document.getElementById("inbox-badge");
  if (!badge || !window.fetch) { return; }
  function show(count) {
    badge.dataset.unread = String(count);
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.hidden = count <= 0;
  }
  function refresh() {
    if (document.hidden) { return; }
    fetch("/api/v1/notify/inbox?unread=true&limit=1", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { show(data.unread); } })
      .catch(function () { /* offline for a moment: the next round asks again */ });
  }
  window.setInterval(refresh, 30000);
  document.addEventListener("visibilitychange", refresh);
  document.addEventListener("yingji:inbox-changed", refresh);
})();
