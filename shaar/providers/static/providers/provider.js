// Provider page: the 12-month trend chart and the map of open reports.
// Data comes from json_script blocks; the tables beside them hold the same figures.
(function () {
  "use strict";

  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function drawChart() {
    var data = readJson("trend-data");
    var canvas = document.getElementById("trend-chart");
    if (!data || !canvas || typeof Chart === "undefined") { return; }
    var colours = ["#0b5394", "#e69138", "#38761d"];
    var datasets = data.series.map(function (s, i) {
      return { type: "line", label: s.label + " (%)", data: s.data, yAxisID: "pct",
               borderColor: colours[i % colours.length], backgroundColor: colours[i % colours.length],
               spanGaps: true };
    });
    datasets.push({ type: "bar", label: data.received_label, data: data.received, yAxisID: "n",
                    backgroundColor: "rgba(120,120,120,0.25)" });
    new Chart(canvas, {
      data: { labels: data.labels, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 scales: { pct: { position: "left", min: 0, max: 100 },
                           n: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } } } }
    });
  }

  function drawMap() {
    var el = document.getElementById("open-map");
    var config = readJson("map-config");
    var points = readJson("open-reports") || [];
    if (!el || !config || typeof L === "undefined") { return; }
    var map = L.map(el).setView(config.center, config.zoom);
    window.shaarBaseMap(map, config);
    // District outlines and pins are drawn by us, so they show even when tiles fail.
    (config.districts || []).forEach(function (geometry) {
      L.geoJSON(geometry, { style: { color: "#0b5394", weight: 1, fillOpacity: 0.03 } }).addTo(map);
    });
    points.forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lon], {
        radius: 6, color: p.overdue ? "#cc0000" : "#0b5394", fillOpacity: 0.7
      }).addTo(map);
      var text = document.createElement("span");
      if (p.url) {
        var a = document.createElement("a");
        a.href = p.url;
        a.textContent = "#" + p.id;
        text.appendChild(a);
      } else {
        text.textContent = "#" + p.id;
      }
      text.appendChild(document.createTextNode(" " + p.category));
      marker.bindPopup(text);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawChart();
    drawMap();
  });
})();
