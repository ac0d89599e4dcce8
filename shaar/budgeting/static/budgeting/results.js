// Bar charts of votes per project and of turnout; the same figures are in the tables
// beside them.
(function () {
  "use strict";
  var node = document.getElementById("chart-data");
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);

  function bars(id, labels, values, label, colours) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    new Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: [{ label: label, data: values, backgroundColor: colours }] },
      options: { indexAxis: "y", animation: false, responsive: true, maintainAspectRatio: false,
                 plugins: { legend: { display: false } } }
    });
  }

  bars("votes-chart", data.labels, data.votes, data.label,
       data.selected.map(function (s) { return s ? "#1e6b30" : "#9aa7b5"; }));
  ["district", "channel"].forEach(function (key) {
    var rows = data.turnout[key];
    bars("turnout-" + key + "-chart", rows.map(function (r) { return r[0]; }),
         rows.map(function (r) { return r[1]; }), data.turnout.label, "#0b5394");
  });
})();
