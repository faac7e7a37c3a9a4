import type { LatencyPoint } from '../../src/protocol/invokePanel/history';
import type { InvokePanelStrings } from '../../src/protocol/invokePanel/strings';
import { fill, formatMs } from './format';
import { layoutLatencyChart } from './latencyChart';

const SVG = 'http://www.w3.org/2000/svg';
const HEIGHT = 120;

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
  parent: Element,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent.appendChild(e);
  return e;
}

/**
 * Draws the latency bars into the page's `<svg>`. Colours come from CSS classes (theme
 * variables); each bar carries a `<title>` so screen readers and hover tell its value, and the
 * whole chart is summarised in `<desc>` and the visible line under it.
 */
export function drawLatencyChart(
  svg: SVGSVGElement,
  summaryLine: HTMLElement,
  points: readonly LatencyPoint[],
  strings: InvokePanelStrings,
): void {
  const width = Math.round(svg.parentElement?.clientWidth || 480);
  const layout = layoutLatencyChart(points, { width, height: HEIGHT });
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
  svg.setAttribute('width', String(layout.width));
  svg.setAttribute('height', String(layout.height));

  const s = layout.summary;
  const summary = s
    ? fill(strings.chartSummary, s.count, formatMs(s.medianMs), formatMs(s.maxMs), s.errors)
    : strings.chartEmpty;
  el('title', { id: 'chart-title' }, svg).textContent = fill(strings.chartTitle, layout.bars.length);
  el('desc', { id: 'chart-desc' }, svg).textContent = summary;
  summaryLine.textContent = summary;

  const grid = el('g', { class: 'grid', 'aria-hidden': 'true' }, svg);
  for (const tick of layout.ticks) {
    const y = Math.round(tick.y) + 0.5;
    el('line', { x1: layout.plot.left, x2: layout.plot.left + layout.plot.width, y1: y, y2: y }, grid);
    const label = el('text', { x: layout.plot.left - 6, y, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, grid);
    label.textContent = formatMs(tick.value);
  }

  const bars = el('g', { class: 'bars' }, svg);
  for (const b of layout.bars) {
    const status = b.ok ? strings.statusOk : strings.statusError;
    const rect = el(
      'rect',
      { x: b.x, y: b.y, width: b.width, height: b.height, rx: 1, class: b.ok ? 'bar ok' : 'bar error', 'data-ms': b.durationMs },
      bars,
    );
    el('title', {}, rect).textContent = fill(strings.barLabel, b.index, formatMs(b.durationMs), status);
    if (!b.ok) {
      // Colour alone must not carry the meaning: errors also get a mark above the bar.
      const mark = el('text', { class: 'error-mark', x: b.x + b.width / 2, y: Math.max(8, b.y - 2), 'text-anchor': 'middle', 'aria-hidden': 'true' }, bars);
      mark.textContent = '×';
    }
  }
}
