// Bar charts drawn with the vendored Chart.js: <canvas data-chart="ID"> reads the JSON in
// <script id="ID" type="application/json"> ({labels, values, goals, unit_label}).
(function () {
  "use strict";
  var lang = document.documentElement.lang || "vi";

  function format(value, unit) {
    if (value === null || value === undefined) return "—";
    var text = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(value);
    if (!unit) return text;
    return unit === "%" ? text + "%" : text + " " + unit;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var styles = getComputedStyle(document.documentElement);
    var bar = styles.getPropertyValue("--xhht-bar").trim() || "#3b6ea8";
    // Each bar takes its status colour (the table beside it says the status in words).
    var colours = (data.statuses || []).map(function (status) {
      return styles.getPropertyValue("--xhht-bar-" + status.replace("_", "-")).trim() || bar;
    });
    var goal = styles.getPropertyValue("--xhht-goal").trim() || "#b3261e";
    new Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          {
            type: "bar",
            label: canvas.dataset.seriesLabel || "",
            data: data.values,
            backgroundColor: colours.length ? colours : bar,
            order: 2,
          },
          {
            type: "line",
            label: canvas.dataset.goalLabel || "",
            data: data.goals,
            borderColor: goal,
            backgroundColor: goal,
            borderDash: [6, 4],
            pointRadius: 0,
            stepped: "middle",
            order: 1,
          },
        ],
      },
      options: {
        indexAxis: "x",
        maintainAspectRatio: false,
        animation: false,
        locale: lang,
        scales: {
          y: {
            // Percentages not from zero: near 100 % the gap to the target is what matters.
            beginAtZero: data.unit_label !== "%",
            grace: "5%",
            ticks: { callback: function (v) { return format(v, data.unit_label); } },
          },
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.label + ": " + format(ctx.parsed.y, data.unit_label);
              },
            },
          },
        },
      },
    });
  }

  function init() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
