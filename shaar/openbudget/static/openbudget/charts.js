// Citizen's budget charts. Each <canvas data-chart="TYPE" data-source="ID"> reads its data
// from the json_script element ID: {labels, datasets: [{label, data}], urls, unit}.
// Every chart has a table with the same figures beside it, so the charts only add a picture.
(function () {
  "use strict";
  var COLOURS = ["#0b5394", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00",
                 "#7f6d00", "#004d40", "#8e44ad", "#4a4a4a"];

  function numbers(values) {
    return values.map(function (v) { return v === null ? null : Number(v); });
  }

  // Long function names would be cut off on a phone: break them into short lines.
  function wrap(label, width) {
    var words = String(label).split(" ");
    var lines = [];
    var current = "";
    words.forEach(function (word) {
      if (current && (current + " " + word).length > width) {
        lines.push(current);
        current = word;
      } else {
        current = current ? current + " " + word : word;
      }
    });
    if (current) { lines.push(current); }
    return lines;
  }

  function render(canvas) {
    if (typeof window.Chart === "undefined") { return; }
    var source = document.getElementById(canvas.dataset.source);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var kind = canvas.dataset.chart;
    var horizontal = kind === "bar-h";
    var round = kind === "doughnut";
    var datasets = data.datasets.map(function (set, i) {
      return {
        label: set.label,
        data: numbers(set.data),
        backgroundColor: round ? COLOURS : COLOURS[i % COLOURS.length],
        borderWidth: round ? 1 : 0
      };
    });
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: {
            label: function (ctx) {
              var value = ctx.parsed && typeof ctx.parsed === "object"
                ? (horizontal ? ctx.parsed.x : ctx.parsed.y) : ctx.parsed;
              return (ctx.dataset.label || "") + ": " +
                Shaar.formatNumber(value, Number(value) % 1 ? 1 : 0) + " " + data.unit;
            }
          }
        }
      }
    };
    if (!round) {
      options.indexAxis = horizontal ? "y" : "x";
      options.scales = {};
      options.scales[horizontal ? "x" : "y"] = { beginAtZero: true, title: { display: true, text: data.unit } };
      options.scales[horizontal ? "y" : "x"] = { ticks: { autoSkip: false } };
    }
    if (data.urls && data.urls.length) {
      // Drill-down: a bar leads to the page its table row links to.
      options.onClick = function (event, elements) {
        if (elements.length && data.urls[elements[0].index]) {
          window.location.href = data.urls[elements[0].index];
        }
      };
      options.onHover = function (event, elements) {
        event.native.target.style.cursor = elements.length ? "pointer" : "default";
      };
    }
    var labels = data.labels;
    if (horizontal) {
      var narrow = canvas.parentNode.clientWidth < 600;
      labels = labels.map(function (label) { return wrap(label, narrow ? 16 : 28); });
    }
    new window.Chart(canvas, { type: round ? "doughnut" : "bar", data: { labels: labels, datasets: datasets }, options: options });
    canvas.dataset.rendered = "true";
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), render);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
