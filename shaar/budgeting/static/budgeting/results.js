// Bar chart of votes per project; the same figures are in the table beside it.
(function () {
  "use strict";
  var node = document.getElementById("chart-data");
  var canvas = document.getElementById("votes-chart");
  if (!node || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [{
        label: data.label,
        data: data.votes,
        backgroundColor: data.selected.map(function (s) { return s ? "#1e6b30" : "#9aa7b5"; })
      }]
    },
    options: { indexAxis: "y", animation: false, responsive: true, maintainAspectRatio: false,
               plugins: { legend: { display: false } } }
  });
})();
