// Charts of the monitoring dashboard (ECharts). The figures come from the page (json_script); every bar opens
// the list behind it. Labels arrive formatted (Jalali months, Persian digits); numbers are formatted here.
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
    const chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(Object.assign({ textStyle: font, animation: false }, option));
    if (onClick) chart.on("click", onClick);
    charts.push(chart);
  }
  const go = (url) => { if (url) window.location.href = url; };
  const grid = { left: 10, right: 10, top: 30, bottom: 10, containLabel: true };

  function bars(id, rows, colour) {
    make(id, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: fa },
      grid: grid,
      xAxis: { type: "category", inverse: true, data: rows.map((r) => r.label), axisLabel: { interval: 0, fontFamily: font.fontFamily } },
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
    tooltip: { trigger: "axis", valueFormatter: fa },
    legend: { top: 0, textStyle: font },
    grid: grid,
    xAxis: { type: "category", inverse: true, data: status.months, axisLabel: { fontFamily: font.fontFamily } },
    yAxis: { type: "value", position: "right", minInterval: 1, axisLabel: { formatter: fa } },
    series: status.series.map((s) => ({ name: s.name, type: "bar", stack: "units", data: s.values, itemStyle: { color: s.colour } })),
  }, (p) => { if (p.dataIndex === lastMonth) go(status.series[p.seriesIndex].url); });

  const done = data.completeness;
  make("chart-completeness", {
    tooltip: { trigger: "axis", valueFormatter: fa },
    legend: { top: 0, textStyle: font },
    grid: grid,
    xAxis: { type: "category", inverse: true, data: done.months, axisLabel: { fontFamily: font.fontFamily } },
    yAxis: { type: "value", position: "right", minInterval: 1, axisLabel: { formatter: fa } },
    series: [
      { name: data.labels.reported, type: "bar", stack: "units", data: done.reported, itemStyle: { color: "#198754" } },
      { name: data.labels.missing, type: "bar", stack: "units", data: done.missing, itemStyle: { color: "#dc3545" } },
    ],
  }, (p) => go(done.urls[p.dataIndex]));

  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
