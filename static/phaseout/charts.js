/* Draws the page's charts with the vendored ECharts (static/vendor/echarts/).
 *
 * Each chart is a container `<div class="chart" data-chart="ID">` and its figures a
 * `<script type="application/json" id="ID">` block written by Django's json_script from
 * phaseout/lib/charts.py (Chart.payload). Nothing else is read: no data in the markup, no
 * inline script or handler, nothing fetched. The same figures are in the table under each
 * chart, so a page without this script (or without JavaScript) loses nothing.
 */
(function () {
  "use strict";

  // One colour per series slot (its place in the full list), so a path, a deadline kind or
  // a domain keeps its colour when another series is empty and left out.
  var PALETTE = ["#1d4f91", "#e08a00", "#2a9d8f", "#b3261e", "#7b4fa0", "#5f6b7a", "#8fb339"];
  var ROW_HEIGHT = 26; // px per category of a horizontal chart
  var FRAME = 84; // legend, axis and margins

  function language() {
    return (document.documentElement.lang || "zh-hans").toLowerCase();
  }

  // The page's fonts (system CJK fonts, app.css), single-quoted: the SVG renderer writes
  // the family into a style attribute, where double quotes would end it.
  function font() {
    return window.getComputedStyle(document.body).fontFamily.replace(/"/g, "'");
  }

  function formatter(decimals) {
    var format = new Intl.NumberFormat(language(), { maximumFractionDigits: decimals });
    return function (value) {
      return value == null ? "" : format.format(value);
    };
  }

  function option(spec, font) {
    var number = formatter(spec.decimals || 0);
    var categories = {
      type: "category", data: spec.categories, inverse: spec.horizontal,
      axisTick: { alignWithLabel: true },
      axisLabel: { interval: 0, hideOverlap: !spec.horizontal,
                   rotate: !spec.horizontal && spec.categories.length > 8 ? 40 : 0 }
    };
    var values = {
      type: "value", minInterval: spec.decimals ? 0 : 1,
      axisLabel: { formatter: number }, splitLine: { lineStyle: { color: "#e6e9ee" } }
    };
    return {
      color: spec.series.map(function (s) { return PALETTE[s.slot % PALETTE.length]; }),
      textStyle: { fontFamily: font },
      animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: number,
                 confine: true },
      legend: { type: "scroll", top: 0, left: 0, itemWidth: 14, itemHeight: 10 },
      // The axis labels stay inside the box (ECharts 6 "outer bounds"); long category names
      // (an industry with its unit) may take up to 45 % of the width (ECharts: 25 %).
      grid: { left: 4, right: 34, top: 34, bottom: 4, outerBoundsMode: "same",
              outerBoundsClampWidth: "45%" },
      xAxis: spec.horizontal ? values : categories,
      yAxis: spec.horizontal ? categories : values,
      series: spec.series.map(function (s) {
        return {
          name: s.name, type: spec.kind, data: s.data, stack: spec.stacked ? "all" : undefined,
          barMaxWidth: 28, emphasis: { focus: "series" }
        };
      })
    };
  }

  function link(spec, params) {
    var category = spec.keys[params.dataIndex];
    var series = spec.series[params.seriesIndex];
    if (!spec.href || category == null || !series) return "";
    return spec.href.replace("{category}", encodeURIComponent(category))
      .replace("{series}", encodeURIComponent(series.key));
  }

  function draw(element) {
    var block = document.getElementById(element.getAttribute("data-chart"));
    if (!block || !window.echarts) return null;
    var spec = JSON.parse(block.textContent);
    if (!spec.series.length) return null;
    if (spec.horizontal) {
      element.style.height = Math.max(220, spec.categories.length * ROW_HEIGHT + FRAME) + "px";
    }
    var chart = window.echarts.init(element, null, {
      renderer: "svg", locale: language().indexOf("en") === 0 ? "EN" : "ZH"
    });
    chart.setOption(option(spec, font()));
    if (spec.href) {
      chart.on("click", function (params) {
        var href = link(spec, params);
        if (href) window.location.assign(href);
      });
    }
    element.classList.add("drawn");
    return chart;
  }

  function start() {
    var charts = [];
    document.querySelectorAll(".chart[data-chart]").forEach(function (element) {
      var chart = draw(element);
      if (chart) charts.push(chart);
    });
    if (!charts.length) return;
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        charts.forEach(function (chart) { chart.resize(); });
      }, 100);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
