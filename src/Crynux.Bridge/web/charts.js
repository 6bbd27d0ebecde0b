// Charts of the operator console (wwwroot/console.js), on uPlot: bundled by esbuild into ../wwwroot/lib/console-charts.js
// with uPlot's stylesheet as ../wwwroot/lib/uplot.css, so that the console needs no CDN and works offline.
import uPlot from 'uplot';

const COLORS = ['#16a34a', '#dc2626', '#2563eb', '#9333ea', '#ea580c'];

/**
 * A time-series chart in `element`: times in unix seconds, one series per { label, values, bars? }. Replaces whatever
 * chart was there; resizes with the element. Returns the uPlot instance.
 */
export function timeChart(element, times, series, { height = 220, yLabel = '' } = {}) {
  element.replaceChildren();
  const width = Math.max(280, element.clientWidth || 600);
  const opts = {
    width,
    height,
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max ?? 1) * 1.1] } },
    axes: [{}, { label: yLabel, size: 56 }],
    legend: { live: true },
    series: [{}, ...series.map((s, i) => ({
      label: s.label,
      stroke: COLORS[i % COLORS.length],
      fill: s.bars ? COLORS[i % COLORS.length] + '55' : undefined,
      width: 2,
      spanGaps: false,
      paths: s.bars ? uPlot.paths.bars({ size: [0.8, 40] }) : undefined,
      points: { show: false },
    }))],
  };
  const chart = new uPlot(opts, [times, ...series.map(s => s.values)], element);
  element.dataset.points = String(series.reduce((n, s) => n + s.values.filter(v => v !== null && v !== 0).length, 0));
  const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(280, element.clientWidth), height }));
  observer.observe(element);
  return chart;
}
