// Draws each <div data-chart="ID"> from the JSON in <script id="ID" type="application/json">
// with the vendored ECharts build (bar, line, pie; grid, legend, tooltip: scripts/echarts, no
// CDN). The JSON says what to draw:
//   {"kind": "hbar" | "bar" | "line", "categories": [...], "series": [{"name", "data", "stack"?}],
//    "percent": true (values are shares 0..1, shown as %)}
// Every chart has its data printed as a table beside it, so nothing is lost without JavaScript
// or to a screen reader. Under the Content-Security-Policy nothing here writes a style
// attribute: the height is set through the CSSOM, as ECharts sets its own.
(function () {
  "use strict";
  function percent(v) {
    return v == null ? "—" : Math.round(v * 1000) / 10 + "%";
  }
  function option(data) {
    var horizontal = data.kind === "hbar";
    var type = data.kind === "line" ? "line" : "bar";
    var values = { type: "value", minInterval: data.percent ? 0 : 1 };
    if (data.percent) {
      values.max = 1;
      values.axisLabel = { formatter: percent };
    }
    var categories = { type: "category", data: data.categories, inverse: horizontal };
    return {
      tooltip: {
        trigger: "axis",
        axisPointer: { type: type === "line" ? "line" : "shadow" },
        valueFormatter: data.percent ? percent : undefined,
        confine: true,
        // drawn on the canvas: the HTML tooltip writes style attributes, which the policy refuses
        renderMode: "richText",
      },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 40, containLabel: true },
      xAxis: horizontal ? values : categories,
      yAxis: horizontal ? categories : values,
      series: data.series.map(function (s) {
        return {
          name: s.name,
          type: type,
          stack: s.stack,
          data: s.data,
          connectNulls: false,
          label: { show: false },
        };
      }),
    };
  }
  function draw(el) {
    var source = document.getElementById(el.dataset.chart);
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var rows = data.kind === "hbar" ? data.categories.length : 8;
    el.style.height = Math.max(rows, 3) * 32 + 80 + "px";
    var chart = window.echarts.init(el);
    chart.setOption(option(data));
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.drawn = "1";
  }
  function drawAll() {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
