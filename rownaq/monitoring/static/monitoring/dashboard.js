// Charts of the monitoring dashboard (ECharts). The figures come from the page (json_script); every bar opens
// the list behind it. Labels arrive formatted (Jalali months, Persian digits); numbers are formatted here.
// Drawn on a canvas, tooltips included (richText): the SVG renderer gives these charts' texts style attributes,
// which the Content-Security-Policy refuses.
(function () {
  "use strict";
  const source = document.getElementById("monitoring-chart-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const font = { fontFamily: "Vazirmatn, Tahoma, sans-serif" };
  const fa = (n) => Number(n).toLocaleString("fa-IR");
  const charts = [];
  function make(id, option, onClick) {
    const el = document.getElementById(id);
    if (!el) return;
    const chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ textStyle: font, animation: false }, option));
    if (onClick) chart.on("click", onClick);
    charts.push(chart);
  }
  const go = (url) => { if (url) window.location.href = url; };
  // Twelve months read better down a vertical axis.
  const monthLabels = { interval: 0, fontFamily: font.fontFamily };
  const grid = { left: 10, right: 10, top: 30, bottom: 10, containLabel: true };

  function bars(id, rows, colour) {
    make(id, {
      tooltip: { renderMode: "richText", trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: fa },
      grid: grid,
      xAxis: { type: "category", inverse: true, data: rows.map((r) => r.label),
              axisLabel: { interval: 0, width: 70, overflow: "break", fontFamily: font.fontFamily } },
      yAxis: { type: "value", position: "right", minInterval: 1, axisLabel: { formatter: fa } },
      series: [{ type: "bar", data: rows.map((r) => r.value), itemStyle: { color: colour },
                 label: { show: true, position: "top", formatter: (p) => fa(p.value) } }],
    }, (p) => go(rows[p.dataIndex].url));
  }
  bars("chart-utilisation", data.utilisation.bars, "#0b6e4f");
  bars("chart-revival", data.revival.bars, "#6f42c1");

  const status = data.status;
  const lastMonth = status.months.length - 1;
  make("chart-status-months", {
    tooltip: { renderMode: "richText", trigger: "axis", valueFormatter: fa },
    legend: { top: 0, textStyle: font },
    grid: grid,
    yAxis: { type: "category", inverse: true, position: "right", data: status.months, axisLabel: monthLabels },
    xAxis: { type: "value", inverse: true, minInterval: 1, axisLabel: { formatter: fa } },
    series: status.series.map((s) => ({ name: s.name, type: "bar", stack: "units", barMaxWidth: 18, data: s.values, itemStyle: { color: s.colour } })),
  }, (p) => { if (p.dataIndex === lastMonth) go(status.series[p.seriesIndex].url); });

  const done = data.completeness;
  make("chart-completeness", {
    tooltip: { renderMode: "richText", trigger: "axis", valueFormatter: fa },
    legend: { top: 0, textStyle: font },
    grid: grid,
    yAxis: { type: "category", inverse: true, position: "right", data: done.months, axisLabel: monthLabels },
    xAxis: { type: "value", inverse: true, minInterval: 1, axisLabel: { formatter: fa } },
    series: [
      { name: data.labels.reported, type: "bar", stack: "units", barMaxWidth: 18, data: done.reported, itemStyle: { color: "#198754" } },
      { name: data.labels.missing, type: "bar", stack: "units", data: done.missing, itemStyle: { color: "#dc3545" } },
    ],
  }, (p) => go(done.urls[p.dataIndex]));

  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
