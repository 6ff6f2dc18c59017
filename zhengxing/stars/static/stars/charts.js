// Draws each <div data-chart="ID" data-rows="N"> from the JSON in <script id="ID"
// type="application/json"> with the vendored ECharts (no CDN). Without JavaScript the bars
// printed beside it remain. Under the Content-Security-Policy nothing here writes a style
// attribute: the height is set through the CSSOM, as ECharts sets its own.
(function () {
  "use strict";
  function draw(el) {
    var source = document.getElementById(el.dataset.chart);
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var rows = parseInt(el.dataset.rows || "1", 10);
    el.style.height = rows * 32 + 80 + "px";
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 40, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.categories, inverse: true },
      series: data.series,
    });
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
