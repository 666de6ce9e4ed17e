/* The small map on a detail page: the record's point over the county and township outlines. */
(function () {
  "use strict";
  var el = document.getElementById("minimap");
  if (!el) return;
  var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
  var map = L.map(el, { scrollWheelZoom: false, preferCanvas: true }).setView([lat, lon], 13);
  map.attributionControl.setPrefix(false);
  fetch(el.dataset.basemapUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
    L.geoJSON(data, {
      filter: function (f) { return ["county", "township", "river", "coastline", "road"].indexOf(f.properties.layer) >= 0; },
      style: function (f) {
        var layer = f.properties.layer;
        if (layer === "county") return { color: "#0b2545", weight: 3, fillColor: "#fff", fillOpacity: 0.5 };
        if (layer === "township") return { color: "#5c6b82", weight: 1, dashArray: "6 5", fill: false };
        if (layer === "road") return { color: "#f59f00", weight: 2 };
        return { color: "#4dabf7", weight: 2 };
      },
      interactive: false,
    }).addTo(map);
    marker.bringToFront();
  });
  var marker = L.circleMarker([lat, lon], { radius: 9, color: "#fff", weight: 3, fillColor: el.dataset.color, fillOpacity: 1 })
    .addTo(map);
})();
