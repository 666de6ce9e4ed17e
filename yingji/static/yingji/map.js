/* 一张图: offline basemap, one clustered overlay per resource kind, name search, circle/polygon selection.
   Sets window.yingjiMapReady = true once the basemap is drawn and every layer is loaded, indexed and drawn for the
   current view (the map answers clicks, toggles and searches from then on). Needs Leaflet, Supercluster and
   Leaflet.draw. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  var T = JSON.parse(document.getElementById("map-i18n").textContent);
  var statusEl = document.getElementById("map-status");
  var layersUrl = el.dataset.layersUrl;
  window.yingjiMapReady = false;

  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }
  function esc(text) {
    var d = document.createElement("div");
    d.textContent = text == null ? "" : String(text);
    return d.innerHTML;
  }
  function status(text) { statusEl.textContent = text || ""; }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + url);
      return r.json();
    });
  }

  var map = L.map(el, { zoomControl: false, preferCanvas: true, minZoom: 7, maxZoom: 18 }).setView([41.2, 122.0], 10);
  L.control.zoom({ position: "bottomright" }).addTo(map);
  L.control.scale({ imperial: false, position: "bottomright" }).addTo(map);
  var panelEl = document.getElementById("map-panel");
  var toggle = document.getElementById("panel-toggle");
  toggle.addEventListener("click", function () {
    var collapsed = panelEl.classList.toggle("collapsed");
    toggle.textContent = collapsed ? toggle.dataset.show : toggle.dataset.hide;
    toggle.setAttribute("aria-expanded", String(!collapsed));
  });
  function panelPadding() {
    return panelEl.classList.contains("collapsed") || window.innerWidth < 800 ? [10, 10] : [panelEl.offsetWidth + 20, 10];
  }
  map.attributionControl.setPrefix(false);
  map.createPane("basemap").style.zIndex = 250;
  map.createPane("labels").style.zIndex = 450;
  map.getPane("labels").style.pointerEvents = "none";

  var baseOverlays = {};
  if (el.dataset.tileUrl) {
    var tiles = L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 18 });
    tiles.addTo(map);
    baseOverlays[T.tiles] = tiles;
  }

  /* ---- offline basemap ---- */
  var ROAD_STYLE = {
    expressway: { color: "#e8590c", weight: 3.5 }, national: { color: "#f08c00", weight: 3 },
    provincial: { color: "#f59f00", weight: 2.5 }, county: { color: "#adb5bd", weight: 2 },
  };
  function basemapStyle(feature) {
    var p = feature.properties;
    switch (p.layer) {
      case "county": return { color: "#0b2545", weight: 3.5, fill: true, fillColor: "#ffffff", fillOpacity: 0.55 };
      case "township": return { color: "#5c6b82", weight: 1.2, dashArray: "6 5", fill: false };
      case "river": return { color: "#4dabf7", weight: 2, opacity: 0.9 };
      case "coastline": return { color: "#1c7ed6", weight: 2.2, dashArray: null };
      case "road": {
        var s = ROAD_STYLE[p.road_class] || { color: "#ced4da", weight: 1.5 };
        return { color: p.closed ? "#c92a2a" : s.color, weight: s.weight, dashArray: p.closed ? "4 4" : null, opacity: 0.95 };
      }
      default: return { color: "#868e96", weight: 1 };
    }
  }
  var countyLayer = L.featureGroup().addTo(map);
  var townLayer = L.featureGroup().addTo(map);
  var villageLayer = L.featureGroup();
  var waterLayer = L.featureGroup().addTo(map);
  var roadLayer = L.featureGroup().addTo(map);
  var countyBounds = null;

  function addBasemap(data) {
    L.geoJSON(data, {
      pane: "basemap",
      style: basemapStyle,
      interactive: false,
      pointToLayer: function (feature, latlng) {
        var p = feature.properties;
        if (p.layer === "township_seat") {
          return L.circleMarker(latlng, { pane: "basemap", radius: 3, color: "#44506a", weight: 1, fillOpacity: 1 })
            .bindTooltip(esc(p.name), { permanent: true, direction: "right", className: "town-label", pane: "labels" });
        }
        return L.circleMarker(latlng, { pane: "basemap", radius: 2, color: "#868e96", weight: 0, fillOpacity: 0.8 })
          .bindTooltip(esc(p.name), { direction: "top" });
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        var target = { county: countyLayer, township: townLayer, township_seat: townLayer, village: villageLayer,
          river: waterLayer, coastline: waterLayer, road: roadLayer }[p.layer] || roadLayer;
        target.addLayer(layer);
        if (p.layer === "county") countyBounds = layer.getBounds();
      },
    });
    if (countyBounds) map.fitBounds(countyBounds, { paddingTopLeft: panelPadding(), paddingBottomRight: [10, 10] });
    baseOverlays[T.county] = countyLayer;
    baseOverlays[T.townships] = townLayer;
    baseOverlays[T.villages] = villageLayer;
    baseOverlays[T.rivers] = waterLayer;
    baseOverlays[T.roads] = roadLayer;
  }
  map.on("zoomend", function () {  // villages only when zoomed in; 178 labels would crowd the county view
    if (map.getZoom() >= 12) { if (!map.hasLayer(villageLayer)) map.addLayer(villageLayer); }
    else if (map.hasLayer(villageLayer)) map.removeLayer(villageLayer);
  });

  /* ---- resource layers ----
     Each layer is fetched once in the compact format (parallel id/name/coordinate arrays) and indexed once with
     Supercluster. Only the clusters and points of the current view are drawn, again on every moveend: points as
     circle markers on a canvas renderer, the few clusters as DOM icons. 50 000 points never become 50 000 layers. */
  var layers = {};  // slug -> {meta, group, index, count, ids, names, coords, checkbox, countEl}
  var resourceOverlays = {};
  var query = "";
  var CLUSTER_RADIUS = 60;      // screen pixels, as markercluster's maxClusterRadius was
  var CLUSTER_MAX_ZOOM = 16;    // above this every point stands alone
  var pointRenderer = L.canvas({ padding: 0.3 });

  function clusterIcon(color, n) {
    var size = n < 10 ? 30 : n < 100 ? 36 : n < 1000 ? 42 : 48;
    return L.divIcon({
      html: '<div class="yj-cluster" style="background:' + color + ";width:" + size + "px;height:" + size + 'px">' + n + "</div>",
      className: "yj-cluster-icon", iconSize: [size, size],
    });
  }
  function detailUrl(meta, id) {
    return meta.detail_url ? meta.detail_url.replace("{id}", encodeURIComponent(id))
      : "/registry/" + encodeURIComponent(meta.slug) + "/" + encodeURIComponent(id) + "/";
  }
  function popupHtml(slug, meta, name, id) {
    return '<div class="popup"><div class="muted">' + esc(meta.label) + "</div><strong>" + esc(name) +
      '</strong><div style="margin-top:.5rem"><a class="btn primary small" href="' + esc(detailUrl(meta, id)) + '">' +
      esc(T.details) + "</a></div></div>";
  }
  function pointLatLng(entry, i) { return L.latLng(entry.coords[2 * i + 1], entry.coords[2 * i]); }
  // A free-standing popup, not bound to a marker: markers are redrawn on every move and would take it with them.
  function openPoint(entry, i) {
    L.popup({ offset: [0, -4] }).setLatLng(pointLatLng(entry, i))
      .setContent(popupHtml(entry.meta.slug, entry.meta, entry.names[i], entry.ids[i])).openOn(map);
  }
  function indexLayer(entry, data) {
    var n = data.count, coords = data.coords, points = new Array(n);
    for (var i = 0; i < n; i++) points[i] = { geometry: { coordinates: [coords[2 * i], coords[2 * i + 1]] }, id: i };
    entry.index = new Supercluster({ radius: CLUSTER_RADIUS, extent: 256, maxZoom: CLUSTER_MAX_ZOOM, minZoom: map.getMinZoom() })
      .load(points);
    entry.ids = data.ids; entry.names = data.names; entry.coords = coords; entry.count = n;
    entry.countEl.textContent = n;
  }
  function renderLayer(entry) {
    entry.group.clearLayers();
    if (!entry.index || !entry.count || !map.hasLayer(entry.group)) return;
    var b = map.getBounds().pad(0.2);
    var zoom = Math.round(map.getZoom());
    var items = entry.index.getClusters([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], zoom);
    var color = entry.meta.color;
    items.forEach(function (f) {
      var c = f.geometry.coordinates, latlng = L.latLng(c[1], c[0]), marker;
      if (f.properties && f.properties.cluster) {
        var cid = f.properties.cluster_id;
        marker = L.marker(latlng, { icon: clusterIcon(color, f.properties.point_count), title: "" });
        marker.on("click", function () {
          map.setView(latlng, Math.min(entry.index.getClusterExpansionZoom(cid), map.getMaxZoom()));
        });
      } else {
        var i = f.id;
        marker = L.circleMarker(latlng, { renderer: pointRenderer, radius: 7, color: "#fff", weight: 2, fillColor: color,
          fillOpacity: 0.95 });
        marker.on("click", function () { openPoint(entry, i); });
      }
      entry.group.addLayer(marker);
    });
  }
  function renderAll() { Object.keys(layers).forEach(function (slug) { renderLayer(layers[slug]); }); }
  map.on("moveend", renderAll);  // zoomend is always followed by moveend
  function loadLayer(slug) {
    var entry = layers[slug];
    var url = layersUrl + "/" + encodeURIComponent(slug) + "?format=compact" + (query ? "&q=" + encodeURIComponent(query) : "");
    return getJSON(url).then(function (data) {
      indexLayer(entry, data);
      renderLayer(entry);
      return data.count;
    });
  }
  function buildToggles(metas) {
    var box = document.getElementById("layer-toggles");
    var overlays = {};
    metas.forEach(function (meta) {
      var entry = { meta: meta, index: null, count: 0, ids: [], names: [], coords: [] };
      entry.group = L.layerGroup();
      entry.group.on("add", function () { renderLayer(entry); });
      entry.group.on("remove", function () { entry.group.clearLayers(); });
      layers[meta.slug] = entry;
      var row = document.createElement("div");
      row.className = "layer-row";
      row.innerHTML = '<label><input type="checkbox" checked data-layer="' + esc(meta.slug) + '"> <span class="swatch" style="background:' +
        esc(meta.color) + '"></span>' + esc(meta.label) + '</label><span class="layer-count" data-count="' + esc(meta.slug) + '">' +
        meta.count + "</span>";
      box.appendChild(row);
      entry.countEl = row.querySelector(".layer-count");
      entry.checkbox = row.querySelector("input");
      entry.checkbox.addEventListener("change", function () {
        if (entry.checkbox.checked) map.addLayer(entry.group); else map.removeLayer(entry.group);
      });
      overlays['<span class="swatch" style="background:' + esc(meta.color) + '"></span> ' + esc(meta.label)] = entry.group;
      entry.group.addTo(map);
    });
    resourceOverlays = overlays;
    map.on("overlayadd overlayremove", function (e) {
      Object.keys(layers).forEach(function (slug) {
        if (layers[slug].group === e.layer) layers[slug].checkbox.checked = e.type === "overlayadd";
      });
    });
  }
  function loadAll() {
    status(T.loading);
    return Promise.all(Object.keys(layers).map(loadLayer)).then(function (counts) {
      var n = counts.reduce(function (a, b) { return a + b; }, 0);
      status(fmt(T.loaded, { n: n }));
      setTimeout(function () { status(""); }, 2500);
      return n;
    });
  }

  /* ---- name search: filters every layer (?q=) and lists hits to zoom to ---- */
  var hitsEl = document.getElementById("search-hits");
  // The lowest zoom at which point i of the layer stands alone rather than inside a cluster.
  function zoomShowing(entry, i) {
    var ll = pointLatLng(entry, i), d = 1e-7, top = Math.min(map.getMaxZoom(), CLUSTER_MAX_ZOOM + 1);
    for (var z = Math.max(Math.round(map.getZoom()), map.getMinZoom()); z < top; z++) {
      var found = entry.index.getClusters([ll.lng - d, ll.lat - d, ll.lng + d, ll.lat + d], z).some(function (f) {
        return !(f.properties && f.properties.cluster) && f.id === i;
      });
      if (found) return z;
    }
    return top;
  }
  function zoomTo(slug, id) {
    var entry = layers[slug];
    var i = entry && entry.index ? entry.ids.indexOf(id) : -1;
    if (i < 0) return;
    if (!map.hasLayer(entry.group)) { entry.checkbox.checked = true; map.addLayer(entry.group); }
    map.setView(pointLatLng(entry, i), zoomShowing(entry, i));
    openPoint(entry, i);
  }
  function showHits() {
    hitsEl.innerHTML = "";
    if (!query) return;
    var hits = [];
    Object.keys(layers).forEach(function (slug) {
      var entry = layers[slug];
      for (var i = 0; i < entry.count && hits.length < 20; i++) hits.push([slug, entry.ids[i], entry.names[i]]);
    });
    if (!hits.length) { hitsEl.innerHTML = '<li class="muted">' + esc(T.noHits) + "</li>"; return; }
    hits.forEach(function (hit) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button"; b.className = "btn small";
      b.innerHTML = '<span class="swatch" style="background:' + esc(layers[hit[0]].meta.color) + '"></span> ' + esc(hit[2]);
      b.addEventListener("click", function () { zoomTo(hit[0], hit[1]); });
      li.appendChild(b); hitsEl.appendChild(li);
    });
    if (hits.length === 1) zoomTo(hits[0][0], hits[0][1]);
  }
  document.getElementById("map-search").addEventListener("submit", function (event) {
    event.preventDefault();
    query = document.getElementById("map-q").value.trim();
    status(T.searching);
    loadAll().then(showHits).catch(function () { status(T.failed); });
  });

  /* ---- area selection with Leaflet.draw ---- */
  var drawn = L.featureGroup().addTo(map);
  L.drawLocal.draw.toolbar.buttons.circle = T.drawCircle;
  L.drawLocal.draw.toolbar.buttons.polygon = T.drawPolygon;
  map.addControl(new L.Control.Draw({
    position: "topright",
    draw: {
      polyline: false, rectangle: false, marker: false, circlemarker: false,
      circle: { shapeOptions: { color: "#d9480f", weight: 2 }, showRadius: true, metric: true },
      polygon: { shapeOptions: { color: "#d9480f", weight: 2 }, showArea: false, allowIntersection: false },
    },
    edit: false,
  }));
  var panel = document.getElementById("within-panel");
  var body = document.getElementById("within-body");
  document.getElementById("within-close").addEventListener("click", function () {
    panel.hidden = true; drawn.clearLayers();
  });
  function renderWithin(result) {
    var total = 0, html = "";
    result.layers.forEach(function (layer) {
      total += layer.items.length;
      if (!layer.items.length) return;
      var color = layers[layer.slug] ? layers[layer.slug].meta.color : "#888";
      html += '<h3 style="font-size:1rem;margin:.75rem 0 .25rem"><span class="swatch" style="background:' + esc(color) + '"></span> ' +
        esc(layer.label) + " (" + layer.items.length + ")</h3><ol>";
      layer.items.slice(0, 200).forEach(function (item) {
        html += '<li><a href="' + esc(detailUrl(layers[layer.slug] ? layers[layer.slug].meta : { slug: layer.slug }, item.id)) + '">' +
          esc(item.name) + "</a>";
        if (item.distance_m != null) html += ' <span class="muted">' + esc(fmt(T.distance, { d: (item.distance_m / 1000).toFixed(2) })) + "</span>";
        html += "</li>";
      });
      html += "</ol>";
    });
    body.innerHTML = '<p class="muted">' + esc(fmt(T.inside, { n: total })) + " · " + esc(fmt(T.area, { a: result.area_km2 })) + "</p>" +
      (total ? html : "<p>" + esc(T.none) + "</p>");
    panel.hidden = false;
  }
  function within(payload) {
    body.innerHTML = "<p>" + esc(T.selecting) + "</p>";
    panel.hidden = false;
    return fetch(el.dataset.withinUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": window.yingji.csrfToken() },
      body: JSON.stringify(payload),
    }).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(renderWithin)
      .catch(function () { body.innerHTML = '<p class="field-error">' + esc(T.failed) + "</p>"; });
  }
  map.on(L.Draw.Event.CREATED, function (event) {
    drawn.clearLayers();
    drawn.addLayer(event.layer);
    if (event.layerType === "circle") {
      var c = event.layer.getLatLng();
      within({ circle: { lon: c.lng, lat: c.lat, radius_m: event.layer.getRadius() } });
    } else {
      within({ polygon: event.layer.toGeoJSON().geometry });
    }
  });
  window.yingjiMap = { map: map, layers: layers, within: within, zoomTo: zoomTo };

  /* ---- live layers: a layer with a live_topic reloads when the event stream says it changed ---- */
  var POLL_MS = 15000;
  function followLive(metas) {
    var live = metas.filter(function (m) { return m.live_topic; });
    if (!live.length) return;
    if (el.dataset.live !== "sse" || !window.EventSource) {
      setInterval(function () { live.forEach(function (meta) { loadLayer(meta.slug); }); }, POLL_MS);
      return;
    }
    var timers = {};
    var source = new EventSource("/api/v1/events/stream?topics=" + encodeURIComponent(live.map(function (m) { return m.live_topic; }).join(",")));
    live.forEach(function (meta) {
      source.addEventListener(meta.live_topic, function () {
        clearTimeout(timers[meta.slug]);  // a burst of changes reloads once
        timers[meta.slug] = setTimeout(function () { loadLayer(meta.slug); }, 500);
      });
    });
  }

  /* ---- start ---- */
  status(T.loading);
  var basemap = getJSON(el.dataset.basemapUrl).then(addBasemap);
  var resources = getJSON(layersUrl).then(function (metas) { buildToggles(metas); followLive(metas); return loadAll(); });
  Promise.all([basemap, resources]).then(function () {
    var overlays = {};
    Object.keys(resourceOverlays).forEach(function (k) { overlays[k] = resourceOverlays[k]; });
    Object.keys(baseOverlays).forEach(function (k) { overlays[k] = baseOverlays[k]; });
    L.control.layers(null, overlays, { collapsed: true, position: "topright" }).addTo(map);
    window.yingjiMapReady = true;
    el.dataset.ready = "true";
  }).catch(function (err) {
    status(T.failed);
    window.yingjiMapError = String(err);
  });
})();
