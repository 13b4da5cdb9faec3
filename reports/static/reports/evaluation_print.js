/* Charts of the printable unit evaluation (reports/templates/evaluations/unit_report.html), drawn
 * with the vendored Apache ECharts as SVG (text stays text; no animation, so printing catches the
 * final picture). Data and words come from <script type="application/json" id="evaluation-charts">.
 */
(function () {
  'use strict';
  var blob = document.getElementById('evaluation-charts');
  var button = document.querySelector('[data-print]');
  if (button) {
    button.addEventListener('click', function () { window.print(); });
  }
  if (!blob || !window.echarts) {
    return;
  }
  var data = JSON.parse(blob.textContent);
  var L = data.labels;
  var FONT = 'system-ui, "Noto Sans CJK SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", sans-serif';
  var charts = [];

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) {
      return;
    }
    var chart = window.echarts.init(element, null, { renderer: 'svg' });
    option.animation = false;
    option.textStyle = { fontFamily: FONT };
    chart.setOption(option);
    charts.push(chart);
  }

  if (data.items.length) {
    draw('chart-items', {
      title: { text: L.items, left: 'center', textStyle: { fontSize: 14 } },
      legend: { bottom: 0, data: [L.points, L.maximum] },
      grid: { left: 8, right: 24, top: 36, bottom: 56, containLabel: true },
      xAxis: { type: 'value', name: L.points, nameLocation: 'middle', nameGap: 24 },
      yAxis: { type: 'category', inverse: true, data: data.items.map(function (i) { return i.label; }),
               axisLabel: { width: 150, overflow: 'truncate' } },
      series: [
        { name: L.points, type: 'bar', data: data.items.map(function (i) { return i.points; }) },
        { name: L.maximum, type: 'bar', data: data.items.map(function (i) { return i.max; }),
          itemStyle: { color: '#dee2e6' } }
      ]
    });
  }
  draw('chart-instruments', {
    title: { text: L.instruments, left: 'center', textStyle: { fontSize: 14 } },
    grid: { left: 8, right: 24, top: 36, bottom: 36, containLabel: true },
    xAxis: { type: 'value', name: L.utilization, nameLocation: 'middle', nameGap: 24 },
    yAxis: { type: 'category', inverse: true, data: data.instruments.map(function (i) { return i.name; }),
             axisLabel: { width: 150, overflow: 'truncate' } },
    series: [{ name: L.utilization, type: 'bar', data: data.instruments.map(function (i) {
      return i.utilization === null ? null : Math.round(i.utilization * 1000) / 10;
    }) }]
  });
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener('beforeprint', function () { charts.forEach(function (c) { c.resize(); }); });
}());
