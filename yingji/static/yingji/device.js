/* Device page: one ECharts line per channel, its set points drawn as markLines. Loads the last 6 hours from
   GET /api/v1/monitoring/channels/{pk}/series, then polls the same API every pollSeconds for readings after the
   newest point and appends them (cheap: no per-reading events on the bus; see docs/monitoring.md). Reads the
   series' points as {time, value} (or {t, v}); extra fields such as min/max are ignored. A new alarm of this
   device on the event stream reloads the page's alarm history. Test hooks: window.yingjiDevice. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("device-data").textContent);
  var T = D.i18n;
  var WINDOW_MS = 6 * 3600 * 1000;
  var charts = {};

  function pointOf(p) {
    var t = p.time !== undefined ? p.time : p.t, v = p.value !== undefined ? p.value : p.v;
    return [new Date(t).getTime(), v];
  }
  function markLines(channel) {
    return channel.thresholds.map(function (th) {
      return { yAxis: th.value, name: th.label, label: { formatter: th.label, position: "insideEndTop" },
        lineStyle: { color: th.grade >= 2 ? "#c92a2a" : "#e67700", type: "dashed", width: 2 } };
    });
  }
  function setup(channel) {
    var el = document.getElementById("chart-" + channel.id);
    if (!el) return;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var entry = { channel: channel, chart: chart, points: [], status: document.getElementById("chart-status-" + channel.id) };
    var maxTh = channel.thresholds.reduce(function (m, th) { return Math.max(m, th.value); }, -Infinity);
    chart.setOption({
      animation: false,
      grid: { left: 56, right: 24, top: 24, bottom: 40 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "time" },
      yAxis: { type: "value", name: channel.unit, scale: true,
        max: function (v) { return isFinite(maxTh) ? Math.max(v.max, maxTh) * 1.05 : null; } },
      series: [{ name: T.value, type: "line", showSymbol: false, data: [], lineStyle: { width: 2, color: "#1864ab" },
        markLine: { symbol: "none", silent: true, data: markLines(channel) } }],
    });
    charts[channel.id] = entry;
    window.addEventListener("resize", function () { chart.resize(); });
    return entry;
  }
  function fetchSeries(entry, start) {
    var end = new Date(Date.now() + 60000);
    var url = "/api/v1/monitoring/channels/" + entry.channel.id + "/series?start=" + encodeURIComponent(start.toISOString()) +
      "&end=" + encodeURIComponent(end.toISOString());
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }
  function draw(entry) {
    var cutoff = Date.now() - WINDOW_MS;
    while (entry.points.length && entry.points[0][0] < cutoff) entry.points.shift();
    entry.chart.setOption({ series: [{ data: entry.points }] });
    entry.status.textContent = entry.points.length ? "" : T.noData;
  }
  function load(entry) {
    return fetchSeries(entry, new Date(Date.now() - WINDOW_MS)).then(function (s) {
      entry.points = (s.points || []).map(pointOf);
      draw(entry);
    }).catch(function () { entry.status.textContent = T.failed; });
  }
  function poll(entry) {
    var last = entry.points.length ? entry.points[entry.points.length - 1][0] : Date.now() - WINDOW_MS;
    return fetchSeries(entry, new Date(last + 1)).then(function (s) {
      (s.points || []).map(pointOf).forEach(function (p) { if (!entry.points.length || p[0] > entry.points[entry.points.length - 1][0]) entry.points.push(p); });
      draw(entry);
    }).catch(function () { entry.status.textContent = T.failed; });
  }
  function pollAll() { return Promise.all(Object.keys(charts).map(function (k) { return poll(charts[k]); })); }

  var entries = D.channels.map(setup).filter(Boolean);
  window.yingjiDevice = { charts: charts, poll: pollAll, ready: false };
  Promise.all(entries.map(load)).then(function () {
    window.yingjiDevice.ready = true;
    setInterval(pollAll, D.pollSeconds * 1000);
  });
  if (window.EventSource) {
    var source = new EventSource("/api/v1/events/stream?topics=monitoring.alarm.");
    var reloadHistory = function (event) {
      var data = JSON.parse(event.data);
      if (data.payload && data.payload.device === D.id) {
        fetch(location.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.querySelector("#device-alarms tbody");
          if (fresh) document.querySelector("#device-alarms tbody").replaceWith(fresh);
        });
      }
    };
    ["raised", "escalated", "deescalated", "recovered", "acknowledged", "assigned", "closed", "overdue"].forEach(function (t) {
      source.addEventListener("monitoring.alarm." + t, reloadHistory);
    });
  }
})();
