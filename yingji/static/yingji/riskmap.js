/* 风险四色图: the risk points the user may see, as circle markers in their level's colour, with a legend that
   switches the layer on and off. Runs after map.js (uses window.yingjiMap). Opened with #risk it starts on.
   Sets window.yingjiRiskReady = true (and data-risk-ready on the legend) once drawn. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  var url = el && el.dataset.riskUrl;
  if (!url || !window.yingjiMap) return;
  var T = JSON.parse(document.getElementById("risk-i18n").textContent);
  var map = window.yingjiMap.map;
  var group = L.layerGroup();
  var renderer = L.canvas({ padding: 0.3 });
  var ORDER = ["red", "orange", "yellow", "blue"];

  function esc(text) {
    var d = document.createElement("div");
    d.textContent = text == null ? "" : String(text);
    return d.innerHTML;
  }

  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var box = L.DomUtil.create("div", "risk-legend card");
    box.setAttribute("data-testid", "risk-legend");
    box.innerHTML = '<label class="check"><input type="checkbox" id="risk-toggle"> <strong>' + esc(T.title) +
      "</strong></label><ul id=\"risk-counts\"></ul>";
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  legend.addTo(map);
  var toggle = document.getElementById("risk-toggle");
  toggle.addEventListener("change", function () {
    if (toggle.checked) group.addTo(map); else map.removeLayer(group);
  });

  fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (data) {
      data.features.forEach(function (f) {
        var c = f.geometry.coordinates, p = f.properties;
        L.circleMarker([c[1], c[0]], { renderer: renderer, radius: p.level === "red" ? 9 : 7, color: "#333",
          weight: 1, fillColor: p.colour, fillOpacity: 0.9 })
          .bindPopup("<strong>" + esc(p.name) + "</strong><br>" + esc(p.enterprise) + "<br>" + esc(T[p.level]) +
                     " · " + esc(p.value))
          .addTo(group);
      });
      document.getElementById("risk-counts").innerHTML = ORDER.map(function (level) {
        return '<li><span class="swatch level ' + level + '">&nbsp;</span> ' + esc(T[level]) + " " +
          data.counts_by_level[level] + "</li>";
      }).join("");
      if (window.location.hash === "#risk") { toggle.checked = true; group.addTo(map); }
      window.yingjiRiskReady = true;
      document.querySelector(".risk-legend").dataset.riskReady = "true";
    })
    .catch(function (err) { window.yingjiRiskError = String(err); });
})();
