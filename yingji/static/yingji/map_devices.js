/* 一张图 · 监测设备: every located monitoring device the user may see, coloured by its live status (二级报警 red,
   一级报警 orange, offline grey, fault purple, maintenance light grey, normal green) from
   GET /api/v1/monitoring/device-status. Any alarm event on the stream (/api/v1/events/stream) reloads the statuses
   (debounced), so colours follow alarms live; popups link to the device page. Needs map.js (window.yingjiMap).
   Test hooks: window.yingjiDevices. */
(function () {
  "use strict";
  var T = JSON.parse(document.getElementById("device-i18n").textContent);
  var COLORS = { alarm2: "#c92a2a", alarm1: "#f08c00", offline: "#868e96", fault: "#7048e8", maintenance: "#ced4da",
    normal: "#2b8a3e" };
  var ORDER = ["alarm2", "alarm1", "offline", "fault", "maintenance", "normal"];
  var map = window.yingjiMap.map;
  var group = L.layerGroup().addTo(map);
  var renderer = L.canvas({ padding: 0.3 });
  var state = { ready: false, statuses: {}, markers: {}, loads: 0 };
  var box = document.getElementById("device-layer");

  function esc(text) { var d = document.createElement("div"); d.textContent = text == null ? "" : String(text); return d.innerHTML; }
  function popup(d) {
    return '<div class="popup"><div class="muted">' + esc(T.title) + " · " + esc(d.code) + "</div><strong>" + esc(d.name) +
      '</strong><div><span class="swatch" style="background:' + COLORS[d.status] + '"></span> ' + esc(T.statuses[d.status]) +
      (d.active_alarms ? " · " + esc(T.active.replace("{n}", d.active_alarms)) : "") +
      '</div><div style="margin-top:.5rem"><a class="btn primary small" href="/monitoring/devices/' + d.id + '/">' +
      esc(T.details) + "</a></div></div>";
  }
  function legend(devices) {
    var counts = {};
    devices.forEach(function (d) { counts[d.status] = (counts[d.status] || 0) + 1; });
    box.innerHTML = '<div class="layer-row"><label><input type="checkbox" checked data-layer="monitoring-devices"> ' +
      esc(T.title) + '</label><span class="layer-count">' + devices.length + "</span></div>" +
      '<div class="device-legend">' + ORDER.filter(function (s) { return counts[s]; }).map(function (s) {
        return '<span class="legend-item"><span class="swatch" style="background:' + COLORS[s] + '"></span>' +
          esc(T.statuses[s]) + " " + counts[s] + "</span>";
      }).join(" ") + "</div>";
    box.querySelector("input").addEventListener("change", function (e) {
      if (e.target.checked) map.addLayer(group); else map.removeLayer(group);
    });
  }
  function draw(devices) {
    group.clearLayers();
    state.statuses = {};
    state.markers = {};
    // Worst last, so a device in alarm is drawn on top of its normal neighbours.
    devices.slice().sort(function (a, b) { return ORDER.indexOf(b.status) - ORDER.indexOf(a.status); }).forEach(function (d) {
      var alarm = d.status === "alarm1" || d.status === "alarm2";
      var marker = L.circleMarker([d.lat, d.lon], { renderer: renderer, radius: alarm ? 10 : 8, color: "#fff",
        weight: 2, fillColor: COLORS[d.status], fillOpacity: 0.95 }).bindPopup(popup(d));
      if (alarm) {  // a ring, so a device in alarm stands out from red-coloured resource layers
        group.addLayer(L.circleMarker([d.lat, d.lon], { renderer: renderer, radius: 16, fill: false, color: COLORS[d.status],
          weight: 3, opacity: 0.7, interactive: false }));
      }
      group.addLayer(marker);
      state.statuses[d.id] = d.status;
      state.markers[d.id] = marker;
    });
    legend(devices);
  }
  function load() {
    return fetch("/api/v1/monitoring/device-status", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (devices) { draw(devices); state.loads += 1; state.ready = true; })
      .catch(function (err) { state.error = String(err); });
  }
  var pending = null;
  function reloadSoon() {
    if (pending) return;
    pending = setTimeout(function () { pending = null; load(); }, 300);
  }
  window.yingjiDevices = { state: state, colors: COLORS, reload: load };
  load().then(function () {
    if (!window.EventSource) return;
    var source = new EventSource("/api/v1/events/stream?topics=monitoring.");
    source.onopen = function () { state.streamOpen = true; };
    ["alarm.raised", "alarm.escalated", "alarm.deescalated", "alarm.recovered", "alarm.closed", "device.created"]
      .forEach(function (t) { source.addEventListener("monitoring." + t, reloadSoon); });
  });
})();
