// The unit page's monthly series (ECharts): capacity utilisation and employees by Jalali month; a click
// on a month opens its report. The table beside the chart carries the same figures without JavaScript.
(function () {
  "use strict";
  const el = document.getElementById("unit-series-chart");
  const source = document.getElementById("unit-series-data");
  if (!el || !source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const font = { fontFamily: "Vazirmatn, Tahoma, sans-serif" };
  const fa = (n) => (n === null || n === undefined ? "" : Number(n).toLocaleString("fa-IR"));
  const chart = echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    textStyle: font, animation: false,
    tooltip: { trigger: "axis", valueFormatter: fa },
    legend: { bottom: 0, textStyle: font },
    grid: { left: 10, right: 10, top: 20, bottom: 40, containLabel: true },
    xAxis: { type: "category", inverse: true, data: data.labels, axisLabel: { fontFamily: font.fontFamily } },
    yAxis: [
      { type: "value", position: "right", axisLabel: { formatter: (v) => fa(v) + "٪" } },
      { type: "value", position: "left", axisLabel: { formatter: fa }, splitLine: { show: false } },
    ],
    series: [
      { name: el.dataset.utilisation, type: "line", data: data.utilisation, yAxisIndex: 0, itemStyle: { color: "#0b6e4f" }, connectNulls: false },
      { name: el.dataset.employees, type: "bar", data: data.employees, yAxisIndex: 1, itemStyle: { color: "#9ec5fe" } },
    ],
  });
  chart.on("click", (p) => { if (data.urls[p.dataIndex]) window.location.href = data.urls[p.dataIndex]; });
  window.addEventListener("resize", () => chart.resize());
})();
