/* The sharing report's charts, drawn with the vendored Apache ECharts 5 (reports/static/vendor/echarts).
 *
 * The data and every word come from the page: a <script type="application/json" id="report-charts">
 * element built by reports/views.py from the same sharing_report as the API (ratios as fractions).
 * The SVG renderer keeps text as text, so the browser draws Chinese with its own fonts.
 * No inline script is needed, so a Content-Security-Policy without 'unsafe-inline' can be added.
 */
(function () {
  'use strict';

  var blob = document.getElementById('report-charts');
  if (!blob || !window.echarts) {
    return;
  }
  var data = JSON.parse(blob.textContent);
  var L = data.labels;
  var FONT = 'system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Source Han Sans SC", ' +
    '"WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", sans-serif';
  var COLORS = ['#0d6efd', '#fd7e14', '#198754', '#6f42c1', '#dc3545'];
  var charts = [];

  function percent(value) {
    return value === null || value === undefined ? null : Math.round(value * 1000) / 10;
  }

  function withUnit(unit) {
    return function (value) {
      return value === null || value === undefined || value === '-' ? '—' : value + (unit ? ' ' + unit : '');
    };
  }

  function base(title) {
    return {
      color: COLORS,
      textStyle: {fontFamily: FONT},
      aria: {enabled: true},
      animation: false,
      title: {text: title, left: 'center', top: 4, textStyle: {fontSize: 14, fontWeight: 600, fontFamily: FONT}},
      tooltip: {trigger: 'axis', axisPointer: {type: 'shadow'}, confine: true},
      legend: {bottom: 0, textStyle: {fontFamily: FONT}},
      grid: {left: 12, right: 28, top: 64, bottom: 36, containLabel: true}
    };
  }

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) {
      return;
    }
    var chart = window.echarts.init(element, null, {renderer: 'svg'});
    chart.setOption(option);
    charts.push(chart);
    element.setAttribute('data-chart-ready', '1');
  }

  // (a) Sharing rate and utilization by unit / category, or of the instruments with most hours.
  var byKey = data.by_key;
  var rows = byKey.rows.slice().reverse(); // a horizontal bar chart lists from the bottom up
  var a = base(L['by_' + byKey.group_by + '_title']);
  a.tooltip.valueFormatter = withUnit('%');
  a.xAxis = {type: 'value', name: L.percent_axis, nameLocation: 'middle', nameGap: 28,
    axisLabel: {formatter: '{value}%'}};
  a.yAxis = {type: 'category', data: rows.map(function (r) { return r.name; }),
    axisLabel: {width: 150, overflow: 'truncate', fontFamily: FONT}};
  a.grid.bottom = 64;
  a.series = [
    {name: L.sharing_rate, type: 'bar', data: rows.map(function (r) { return percent(r.sharing_rate); })},
    {name: L.utilization, type: 'bar', data: rows.map(function (r) { return percent(r.utilization); })}
  ];
  if (!rows.length) {
    a.title.subtext = L.no_data;
  }
  draw('chart-by-key', a);

  // (b) Effective and external hours by month.
  var monthly = data.monthly;
  var b = base(L.monthly_title);
  b.tooltip.valueFormatter = withUnit(L.hours_unit);
  b.xAxis = {type: 'category', data: monthly.months, name: L.month_axis, nameLocation: 'middle', nameGap: 40,
    axisLabel: {interval: 0, hideOverlap: true, formatter: function (value, index) {
      // "YYYY-MM" → the month, with the year under the first month and under each January
      var parts = value.split('-');
      return index === 0 || parts[1] === '01' ? parts[1] + '\n' + parts[0] : parts[1];
    }}};
  b.yAxis = {type: 'value', name: L.hours_axis, nameTextStyle: {align: 'left'}};
  b.grid.bottom = 64;
  b.series = [
    {name: L.effective_hours, type: 'bar', data: monthly.effective_hours},
    {name: L.external_hours, type: 'bar', data: monthly.external_hours}
  ];
  draw('chart-monthly', b);

  // (c) Instruments by utilization band.
  var bands = data.bands;
  var c = base(L.bands_title);
  c.tooltip.valueFormatter = withUnit(L.count_unit);
  c.legend = {show: false};
  c.xAxis = {type: 'category', data: bands.labels, name: L.band_axis, nameLocation: 'middle', nameGap: 30};
  c.yAxis = {type: 'value', name: L.count_axis, minInterval: 1, nameTextStyle: {align: 'left'},
    max: function (extent) { return Math.max(1, Math.ceil(extent.max * 1.2)); }}; // room for the bar labels
  c.grid.bottom = 40;
  c.series = [{name: L.instrument_count, type: 'bar', barMaxWidth: 48, data: bands.counts,
    label: {show: true, position: 'top'}, itemStyle: {color: COLORS[2]}}];
  draw('chart-bands', c);

  var pending = null;
  window.addEventListener('resize', function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      charts.forEach(function (chart) { chart.resize(); });
    }, 150);
  });
}());
