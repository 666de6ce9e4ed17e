/* 指挥看板: one incident on the map (zones, resources, routes, evacuation) with tasks, forces, deadlines and
   the log beside it. Everything comes from /api/v1/command; the event stream (and a 20 s poll as a fallback)
   refreshes the panels. Sets window.yingjiBoardReady once the first refresh is drawn. */
(function () {
  "use strict";
  var el = document.getElementById("board-map");
  var T = JSON.parse(document.getElementById("board-i18n").textContent);
  var ID = el.dataset.incident;
  var API = "/api/v1/command";
  var here = el.dataset.lon ? [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)] : null;
  window.yingjiBoardReady = false;

  function esc(text) { var d = document.createElement("div"); d.textContent = text == null ? "" : String(text); return d.innerHTML; }
  function csrf() { var m = document.cookie.match(/csrftoken=([^;]+)/); return m ? m[1] : ""; }
  function fail(error) { document.getElementById("board-error").textContent = T.failed + "：" + (error.message || error); }
  function call(method, url, body) {
    var init = { method: method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.headers["X-CSRFToken"] = csrf();
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) throw new Error((data.detail || []).map(function (e) { return e.message; }).join("；") || r.status);
        document.getElementById("board-error").textContent = "";
        return data;
      });
    });
  }
  function clock(iso) { var d = new Date(iso); return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2); }
  function countdown(iso) {
    var s = Math.round((new Date(iso) - Date.now()) / 1000), a = Math.abs(s);
    var text = Math.floor(a / 60) + ":" + ("0" + (a % 60)).slice(-2);
    return s < 0 ? T.overdue + " " + text : T.left + " " + text;
  }

  /* ---- map ---- */
  var map = L.map(el, { zoomControl: false, preferCanvas: true }).setView(here || [41.2, 122.0], here ? 13 : 10);
  L.control.zoom({ position: "bottomleft" }).addTo(map);
  L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
  map.attributionControl.setPrefix(false);
  // The flex layout settles after the script starts: size the map (and its canvas) to the final box.
  // Jumps, not animated zooms: the canvas redraws once, at the end, so a tablet never shows a half-drawn map.
  setTimeout(function () { map.invalidateSize(); }, 0);
  window.addEventListener("resize", function () { map.invalidateSize(); });
  if (el.dataset.tileUrl) L.tileLayer(el.dataset.tileUrl, { maxZoom: 18 }).addTo(map);
  fetch(el.dataset.basemapUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
    L.geoJSON(data, {
      filter: function (f) { return ["county", "township", "river", "coastline", "road"].indexOf(f.properties.layer) >= 0; },
      style: function (f) {
        var layer = f.properties.layer;
        if (layer === "county") return { color: "#0b2545", weight: 3, fillColor: "#fff", fillOpacity: 0.5 };
        if (layer === "township") return { color: "#5c6b82", weight: 1, dashArray: "6 5", fill: false };
        if (layer === "road") return { color: f.properties.closed ? "#c92a2a" : "#f59f00", weight: 2 };
        return { color: "#4dabf7", weight: 2 };
      },
      interactive: false,
    }).addTo(map).bringToBack();
  });
  if (here) {
    L.circleMarker(here, { radius: 11, color: "#fff", weight: 3, fillColor: "#c92a2a", fillOpacity: 1 })
      .bindTooltip(esc(document.getElementById("board-title").textContent), { permanent: true, direction: "top" }).addTo(map);
  }
  var zoneLayer = L.featureGroup().addTo(map);
  var forceLayer = L.featureGroup().addTo(map);
  var evacLayer = L.featureGroup().addTo(map);
  var ZONE_COLOURS = { red: "#e03131", orange: "#f76707", yellow: "#fab005" };

  /* ---- tabs ---- */
  document.querySelectorAll(".tab").forEach(function (tab) {
    tab.addEventListener("click", function () {
      document.querySelectorAll(".tab").forEach(function (t) { t.classList.toggle("active", t === tab); });
      document.querySelectorAll(".tab-body").forEach(function (b) { b.hidden = b.dataset.body !== tab.dataset.tab; });
    });
  });

  /* ---- panels ---- */
  function taskItem(t) {
    var open = t.status === "pending" || t.status === "accepted";
    var buttons = t.status === "pending" ? '<button class="btn small" data-task="' + t.id + '" data-to="accepted">' + esc(T.accept) + "</button>" : "";
    if (open) buttons += '<button class="btn primary small" data-task="' + t.id + '" data-to="done">' + esc(T.finish) + "</button>";
    return '<li class="item' + (t.overdue ? " overdue" : "") + '" data-testid="task"><div><strong>' + esc(t.title) + "</strong>" +
      '<div class="muted">' + esc(t.department) + " · " + clock(t.due_at) + " · " +
      (open ? '<span data-due="' + esc(t.due_at) + '">' + countdown(t.due_at) + "</span>" : esc(T.done)) + "</div></div>" +
      '<div class="item-actions">' + buttons + "</div></li>";
  }
  function dispatchItem(d) {
    var next = { dispatched: ["en_route", T.enRoute], en_route: ["on_scene", T.onScene], on_scene: ["returned", T.back] }[d.status];
    var eta = d.eta && !d.arrived_at ? " · " + esc(T.eta) + " " + clock(d.eta) + ' (<span data-due="' + esc(d.eta) + '">' + countdown(d.eta) + "</span>)" : "";
    return '<li class="item" data-testid="dispatch"><div><strong>' + esc(d.resource_name) + '</strong><div class="muted">' +
      esc(d.status_label || d.status) + (d.travel_min != null ? " · " + d.travel_min + " " + esc(T.minutes) : "") + eta + "</div></div>" +
      (next ? '<div class="item-actions"><button class="btn small" data-dispatch="' + d.id + '" data-to="' + next[0] + '">' + esc(next[1]) + "</button></div>" : "") + "</li>";
  }
  function fill(id, items, render) {
    document.getElementById(id).innerHTML = items.length ? items.map(render).join("") : '<li class="muted">' + esc(T.none) + "</li>";
  }
  var STATUS = {};
  function refresh() {
    return Promise.all([
      call("GET", API + "/incidents/" + ID),
      call("GET", API + "/incidents/" + ID + "/tasks"),
      call("GET", API + "/incidents/" + ID + "/dispatches"),
    ]).then(function (res) {
      var incident = res[0], tasks = res[1], dispatches = res[2];
      document.getElementById("board-status").textContent = incident.status_label || incident.status;
      document.getElementById("board-level").textContent = (T.levels[incident.level] || incident.level) + " · " + incident.response;
      fill("task-list", tasks, taskItem);
      var overdue = tasks.filter(function (t) { return t.overdue; }).length;
      document.getElementById("count-overdue").textContent = overdue ? overdue : "";
      fill("dispatch-list", dispatches, dispatchItem);
      fill("deadline-list", incident.deadlines || [], function (d) {
        return '<li class="item' + (!d.done_at && d.remaining_s < 0 ? " overdue" : "") + '"><div><strong>' + esc(d.report_from) + " → " + esc(d.report_to) +
          '</strong><div class="muted">' + clock(d.due_at) + " · " + (d.done_at ? esc(T.done) + " " + clock(d.done_at) : '<span data-due="' + esc(d.due_at) + '">' + countdown(d.due_at) + "</span>") + "</div></div></li>";
      });
      fill("timeline-list", (incident.timeline || []).slice().reverse(), function (e) {
        return '<li class="item"><div><span class="muted">' + clock(e.time) + " · " + esc(e.kind_label || e.kind) + "</span><div>" + esc(e.text) + "</div></div></li>";
      });
      window.yingjiBoardReady = true;
    }).catch(fail);
  }
  setInterval(function () {
    document.querySelectorAll("[data-due]").forEach(function (span) { span.textContent = countdown(span.dataset.due); });
  }, 1000);

  /* ---- actions ---- */
  document.getElementById("board-panel").addEventListener("click", function (event) {
    var b = event.target.closest("button[data-task], button[data-dispatch], button[data-send]");
    if (!b) return;
    b.disabled = true;
    var done;
    if (b.dataset.task) done = call("POST", API + "/tasks/" + b.dataset.task + "/status", { status: b.dataset.to });
    else if (b.dataset.dispatch) done = call("POST", API + "/dispatches/" + b.dataset.dispatch + "/status", { status: b.dataset.to });
    else done = call("POST", API + "/incidents/" + ID + "/dispatches", { kind: b.dataset.kind, id: parseInt(b.dataset.send, 10) });
    done.then(refresh).catch(function (e) { b.disabled = false; fail(e); });
  });
  var activate = document.getElementById("activate-form");
  if (activate) activate.addEventListener("submit", function (event) {
    event.preventDefault();
    call("POST", API + "/incidents/" + ID + "/activations", { plan: parseInt(activate.elements.plan.value, 10) }).then(refresh).catch(fail);
  });
  document.getElementById("note-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    call("POST", API + "/incidents/" + ID + "/timeline", { kind: "decision", text: form.elements.text.value })
      .then(function () { form.reset(); return refresh(); }).catch(fail);
  });
  var DISPATCHABLE = ["rescue-teams", "experts", "vehicles", "equipment"];
  document.getElementById("nearest-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!here) return;
    var kind = event.target.elements.kind.value;
    call("POST", API + "/nearest", { from: { lon: here[1], lat: here[0] }, kind: kind, n: 5 }).then(function (data) {
      forceLayer.clearLayers();
      data.items.forEach(function (item) {
        L.circleMarker([item.lat, item.lon], { radius: 8, color: "#fff", weight: 2, fillColor: "#1864ab", fillOpacity: 1 })
          .bindTooltip(esc(item.name) + " · " + Math.round(item.time_s / 60) + " " + esc(T.minutes)).addTo(forceLayer);
      });
      fill("nearest-list", data.items, function (item) {
        var send = DISPATCHABLE.indexOf(kind) >= 0 ? '<button class="btn primary small" data-send="' + item.id + '" data-kind="' + kind + '">' + esc(T.dispatch) + "</button>" : "";
        return '<li class="item" data-testid="nearest"><div><strong>' + esc(item.name) + '</strong><div class="muted">' +
          Math.round(item.time_s / 60) + " " + esc(T.minutes) + " · " + (item.length_m / 1000).toFixed(1) + " km</div></div><div class=\"item-actions\">" + send + "</div></li>";
      });
      if (data.items.length) map.fitBounds(forceLayer.getBounds().extend(here), { padding: [40, 40], animate: false });
    }).catch(fail);
  });
  /* Threat zones. A puff shows its envelope (dashed: ever above the level) and, solid, its footprint at the
     time chosen on the slider; moving the slider asks again for that time only. */
  var zones = null;
  var zonesForm = document.getElementById("zones-form");
  var timeLayer = L.featureGroup().addTo(map);
  function puffChosen() { return zonesForm.elements.model.value === "puff"; }
  function showModelFields() {
    var model = zonesForm.elements.model.value;
    zonesForm.querySelectorAll("[data-model]").forEach(function (label) { label.hidden = label.dataset.model !== model; });
  }
  zonesForm.elements.model.addEventListener("change", showModelFields);
  function zonesRequest() {
    var f = zonesForm.elements;
    var body = { chemical: f.chemical.value, u_m_s: parseFloat(f.u_m_s.value), wind_from_deg: parseFloat(f.wind_from_deg.value),
      stability: f.stability.value, terrain: "rural", h_m: 0, source: { lon: here[1], lat: here[0] }, model: f.model.value };
    if (puffChosen()) {
      body.mass_g = parseFloat(f.mass_kg.value) * 1000;
      body.t_s = parseInt(f.minutes.value, 10) * 60;
    } else {
      body.q_g_s = parseFloat(f.q_g_s.value);
    }
    return body;
  }
  function drawTime(data) {
    timeLayer.clearLayers();
    var snapshot = (data.at_times || [])[0];
    if (!snapshot) return;
    snapshot.features.forEach(function (feature) {
      if (!feature.geometry) return;
      L.geoJSON(feature, { style: { color: ZONE_COLOURS[feature.properties.zone], weight: 2, fillOpacity: 0.45 } })
        .bindTooltip(esc(feature.properties.label)).addTo(timeLayer);
    });
    L.circleMarker([snapshot.centre.lat, snapshot.centre.lon], { radius: 3, color: "#212529", weight: 1, fillColor: "#fff", fillOpacity: 1 })
      .bindTooltip(esc(T.atTime.replace("{m}", Math.round(snapshot.t_s / 60)).replace("{d}", Math.round(snapshot.centre_downwind_m))))
      .addTo(timeLayer);
    var reached = snapshot.features.some(function (f) { return f.geometry; });
    var line = T.atTime.replace("{m}", Math.round(snapshot.t_s / 60)).replace("{d}", Math.round(snapshot.centre_downwind_m));
    document.getElementById("zones-summary").dataset.atTime = line + (reached ? "" : "；" + T.notReached);
  }
  function drawZones(data, fit) {
    zones = data;
    zoneLayer.clearLayers();
    var envelope = puffChosen();
    data.features.forEach(function (feature) {
      if (!feature.geometry) return;
      var style = envelope ? { color: ZONE_COLOURS[feature.properties.zone], weight: 2, dashArray: "6 5", fillOpacity: 0.06 }
        : { color: ZONE_COLOURS[feature.properties.zone], weight: 2, fillOpacity: 0.25 };
      L.geoJSON(feature, { style: style }).bindTooltip(esc(feature.properties.label)).addTo(zoneLayer);
    });
    drawTime(data);
    if (fit && zoneLayer.getLayers().length) map.fitBounds(zoneLayer.getBounds(), { padding: [30, 30], animate: false });
    var summary = document.getElementById("zones-summary");
    var people = data.population != null ? T.zonePeople.replace("{n}", data.population) : T.noPeople;
    summary.textContent = (summary.dataset.atTime && envelope ? summary.dataset.atTime + "。" : "") + people;
    document.getElementById("zones-criteria").textContent = data.criteria_note + "。" + data.footprint_note;
    document.getElementById("zones-legend").hidden = !envelope;
    fill("zones-limits", data.limits, function (m) { return '<li class="item">' + esc(m) + "</li>"; });
    document.getElementById("evacuate").hidden = !data.features.some(function (f) { return f.geometry; });
  }
  zonesForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!here) return;
    delete document.getElementById("zones-summary").dataset.atTime;
    call("POST", API + "/dispersion/zones", zonesRequest()).then(function (data) { drawZones(data, true); }).catch(fail);
  });
  var slider = document.getElementById("puff-minutes");
  var pending = null;
  slider.addEventListener("input", function () {
    document.getElementById("puff-minutes-out").textContent = slider.value;
    if (!zones || !puffChosen() || !here) return;
    clearTimeout(pending);  // one request when the finger stops, not one per step
    pending = setTimeout(function () {
      call("POST", API + "/dispersion/zones", zonesRequest()).then(function (data) { drawZones(data, false); }).catch(fail);
    }, 150);
  });
  document.getElementById("evacuate").addEventListener("click", function () {
    var outer = zones && zones.features.filter(function (f) { return f.geometry; })[0];  // the yellow zone holds the others
    if (!outer) return;
    call("POST", API + "/evacuation/plans", { area: outer.geometry, area_source: "zone", incident: parseInt(ID, 10),
      name: document.getElementById("board-title").textContent + " 疏散" }).then(function (plan) {
      evacLayer.clearLayers();
      plan.assignments.forEach(function (a) {
        if (a.route) L.geoJSON(a.route, { style: { color: "#2b8a3e", weight: 3, dashArray: "6 4" } })
          .bindTooltip(esc(a.village) + " → " + esc(a.shelter) + " · " + a.people + " " + esc(T.people)).addTo(evacLayer);
      });
      var summary = document.getElementById("evacuation-summary");
      summary.textContent = T.planMade.replace("{total}", plan.people_total)
        .replace("{placed}", plan.people_placed).replace("{unplaced}", plan.people_unplaced) + " ";
      var print = document.createElement("a");
      print.href = "/command/evacuation/" + plan.id + "/print/";
      print.target = "_blank";
      print.textContent = T.printPlan;
      summary.appendChild(print);
      refresh();
    }).catch(fail);
  });

  /* ---- live ---- */
  var live = document.getElementById("board-live");
  if (window.EventSource) {
    var stream = new EventSource("/api/v1/events/stream?topics=command.");
    stream.onopen = function () { live.classList.add("on"); live.title = T.live; };
    stream.onerror = function () { live.classList.remove("on"); live.title = T.offline; };
    stream.onmessage = stream.onevent = null;
    ["command.incident.timeline", "command.incident.status", "command.incident.level_changed", "command.task",
      "command.dispatch", "command.plan.activated", "command.evacuation.arrival"].forEach(function (topic) {
      stream.addEventListener(topic, function (event) {
        var p = JSON.parse(event.data).payload || {};
        if (String(p.incident_id || p.id) === String(ID)) refresh();
      });
    });
  }
  setInterval(refresh, 20000);
  refresh();
  window.yingjiBoard = { map: map, zones: zoneLayer, zonesAtTime: timeLayer, forces: forceLayer, evacuation: evacLayer,
    refresh: refresh, lastZones: function () { return zones; } };
})();
