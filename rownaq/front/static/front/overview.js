// Charts of the province overview (ECharts). Every bar and slice links to the unit list behind it.
(function () {
  "use strict";
  const script = document.currentScript;
  const listUrl = script.dataset.listUrl;
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const font = { fontFamily: "Vazirmatn, Tahoma, sans-serif" };
  const fa = (n) => Number(n).toLocaleString("fa-IR");
  const statusColours = { active: "#198754", semi_active: "#fd7e14", idle: "#6c757d", closed: "#dc3545" };
  const charts = [];
  function make(id, option, onClick) {
    const el = document.getElementById(id);
    if (!el) return null;
    const chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(Object.assign({ textStyle: font, animation: false }, option));
    if (onClick) chart.on("click", onClick);
    charts.push(chart);
    return chart;
  }
  const go = (query) => { window.location.href = listUrl + "?" + query; };

  make("chart-status", {
    tooltip: { trigger: "item", formatter: (p) => p.name + ": " + fa(p.value) + " (" + fa(p.percent) + "٪)" },
    legend: { bottom: 0, textStyle: font },
    series: [{
      type: "pie", radius: ["40%", "70%"],
      data: data.status.map((d) => ({ name: d.name, value: d.value, key: d.key, itemStyle: { color: statusColours[d.key] } })),
      label: { formatter: (p) => fa(p.value), fontFamily: font.fontFamily },
    }],
  }, (p) => go("status=" + p.data.key));

  function bars(id, rows, param) {
    const reversed = rows.slice().reverse();
    return make(id, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: fa },
      grid: { left: 40, right: 10, top: 10, bottom: 20, containLabel: true },
      xAxis: { type: "value", inverse: true, axisLabel: { formatter: fa } },
      yAxis: { type: "category", position: "right", data: reversed.map((r) => r.name),
               axisLabel: { width: 220, overflow: "truncate", fontFamily: font.fontFamily } },
      series: [{ type: "bar", data: reversed.map((r) => r.value), itemStyle: { color: "#0b6e4f" },
                 label: { show: true, position: "left", formatter: (p) => fa(p.value) } }],
    }, (p) => { const row = reversed[p.dataIndex]; if (row[param] !== null && row[param] !== undefined) go(param === "code" ? "sector=" + row.code : "estate=" + row.id); });
  }
  bars("chart-divisions", data.divisions, "code");
  bars("chart-estates", data.estates, "id");

  const mapEl = document.getElementById("chart-map");
  if (mapEl && mapEl.dataset.mapUrl) {
    fetch(mapEl.dataset.mapUrl).then((r) => r.json()).then((geo) => {
      echarts.registerMap("province", geo);
      const max = Math.max(1, ...data.counties.map((c) => c.value));
      make("chart-map", {
        tooltip: { trigger: "item", formatter: (p) => p.name + ": " + fa(p.value || 0) },
        visualMap: { min: 0, max: max, left: 10, bottom: 10, calculable: true, inRange: { color: ["#e8f5ee", "#0b6e4f"] }, formatter: fa },
        series: [{ type: "map", map: "province", roam: true, label: { show: true, fontFamily: font.fontFamily, fontSize: 11 },
                   data: data.counties.map((c) => ({ name: c.name, value: c.value, id: c.id })) }],
      }, (p) => { if (p.data && p.data.id) go("county=" + p.data.id); });
    });
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
