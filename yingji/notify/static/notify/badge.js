// Keeps the navigation's unread badge live: the server publishes "notify.inbox" to this user only.
(function () {
  "use strict";
  var badge = document.getElementById("inbox-badge");
  if (!badge || !window.EventSource) { return; }
  function show(count) {
    badge.dataset.unread = String(count);
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.hidden = count <= 0;
  }
  var source = new EventSource("/api/v1/events/stream?topics=notify.inbox");
  source.addEventListener("notify.inbox", function (e) {
    var data = JSON.parse(e.data);
    // The stream replays recent events on connect: those the page was rendered with are not news.
    if (data.payload.id <= Number(badge.dataset.latest || 0)) { return; }
    badge.dataset.latest = String(data.payload.id);
    show(data.payload.unread);
    document.dispatchEvent(new CustomEvent("yingji:inbox", { detail: data.payload }));
  });
  window.addEventListener("pagehide", function () { source.close(); });
})();
