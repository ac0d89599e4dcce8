(function () {
  "use strict";
  var node = document.getElementById("chart-data");
  if (!node || typeof Chart === "undefined") return;
  var data = JSON.parse(node.textContent);
  function chart(id, type, rows) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    new Chart(canvas, {type: type, data: {labels: rows.map(function (r) { return r[0]; }),
      datasets: [{data: rows.map(function (r) { return r[1]; }), backgroundColor: "#0b5394", borderColor: "#0b5394"}]},
      options: {plugins: {legend: {display: false}}, animation: false}});
  }
  chart("chart-months", "line", data.months);
  chart("chart-categories", "bar", data.categories);
  chart("chart-statuses", "bar", data.statuses);
})();
