// 群管控制台: draws the charts of the page (and of any fragment htmx swaps in) with the shipped
// ECharts, as SVG. Data comes from a data-series attribute; nothing is evaluated.
(function () {
  "use strict";
  var loaded = null;
  function loadECharts(then) {
    if (window.echarts) { then(); return; }
    if (!loaded) {
      loaded = [];
      var s = document.createElement("script");
      s.src = "/static/echarts.min.js";
      s.onload = function () { loaded.forEach(function (f) { f(); }); };
      document.head.appendChild(s);
    }
    loaded.push(then);
  }
  function draw(el) {
    if (el.dataset.drawn) return;
    var series = JSON.parse(el.dataset.series || "[]");
    loadECharts(function () {
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      var days = series.map(function (d) { return d.day; });
      function line(key, name) {
        return { name: name, type: key === "messages" ? "bar" : "line", data: series.map(function (d) { return d[key]; }),
                 yAxisIndex: key === "messages" ? 0 : 1 };
      }
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { data: ["消息", "入群", "退群", "被移出"] },
        grid: { left: 50, right: 50, top: 40, bottom: 40 },
        xAxis: { type: "category", data: days },
        yAxis: [{ type: "value", name: "消息" }, { type: "value", name: "人数", minInterval: 1 }],
        series: [line("messages", "消息"), line("joins", "入群"), line("leaves", "退群"), line("removals", "被移出")]
      });
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  function drawAll(root) { (root || document).querySelectorAll("[data-series]").forEach(draw); }
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSwap", function (e) { drawAll(e.target); });
})();
