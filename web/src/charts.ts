// Drawing: uPlot line charts, the hidden-state heatmap (canvas) and the unrolled graph (SVG).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export const COLORS = { train: '#0b5cad', val: '#b3261e', actual: '#1a1a1a', predicted: '#c25400', grad: '#6a1b9a' };

export interface Line {
  label: string;
  stroke: string;
  dash?: number[];
}

/** A uPlot chart that fills its container's width; `log` puts y on a log10 scale. */
export function lineChart(el: HTMLElement, opts: { xLabel: string; yLabel: string; lines: Line[]; log?: boolean; height?: number; band?: () => [number, number] | null; xValues?: (v: number) => string }): uPlot {
  const width = Math.max(280, el.clientWidth || 600);
  const band = opts.band;
  const plot = new uPlot(
    {
      width,
      height: opts.height ?? 240,
      scales: { x: { time: false }, y: opts.log ? { distr: 3 } : {} },
      axes: [
        { label: opts.xLabel, stroke: '#333', ...(opts.xValues ? { space: 90, values: (_u: uPlot, splits: number[]) => splits.map(opts.xValues!) } : {}) },
        // uPlot's default labels print 1e-4 as "0": small and large values in exponent form
        { label: opts.yLabel, stroke: '#333', size: 64, values: (_u: uPlot, splits: number[]) => splits.map(tick) },
      ],
      series: [{ label: opts.xLabel }, ...opts.lines.map((l) => ({ label: l.label, stroke: l.stroke, width: 2, dash: l.dash, spanGaps: false }))],
      legend: { live: false },
      cursor: { show: false },
      hooks: band
        ? {
            drawClear: [
              (u: uPlot) => {
                const span = band();
                if (!span) return;
                const x0 = u.valToPos(span[0], 'x', true), x1 = u.valToPos(span[1], 'x', true);
                const ctx = u.ctx;
                ctx.save();
                ctx.fillStyle = 'rgba(11, 92, 173, 0.08)';
                ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
                ctx.restore();
              },
            ],
          }
        : {},
    },
    [[], ...opts.lines.map(() => [])],
    el,
  );
  new ResizeObserver(() => {
    const w = el.clientWidth;
    if (w > 0 && Math.abs(w - plot.width) > 4) plot.setSize({ width: w, height: plot.height });
  }).observe(el);
  return plot;
}

function tick(v: number | null): string {
  if (v === null) return '';
  const a = Math.abs(v);
  return a === 0 ? '0' : a < 0.01 || a >= 1e5 ? v.toExponential(0) : String(+v.toPrecision(3));
}

/** Diverging blue–white–red for v in [−1, 1]. */
export function diverging(v: number): string {
  const t = Math.max(-1, Math.min(1, v));
  const mix = (a: number) => Math.round(255 - (255 - a) * Math.abs(t));
  return t < 0 ? `rgb(${mix(33)},${mix(102)},${mix(172)})` : `rgb(${mix(178)},${mix(24)},${mix(43)})`;
}

/** Sizes a canvas to w × h CSS pixels at the screen's pixel ratio; returns its cleared 2-D context (11 px labels). */
export function sizeCanvas(canvas: HTMLCanvasElement, w: number, h: number): CanvasRenderingContext2D {
  const dpr = globalThis.devicePixelRatio || 1;
  canvas.width = w * dpr;
  canvas.height = h * dpr;
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.font = '11px system-ui, sans-serif';
  return ctx;
}

/** hidden[t][j] as a grid: columns t, rows j. tanh states are on [−1, 1]; ReLU ones are scaled by their max. */
export function drawHeatmap(canvas: HTMLCanvasElement, hidden: number[][], scale: number): void {
  const T = hidden.length, H = hidden[0]?.length ?? 0;
  const cssW = Math.max(280, canvas.parentElement?.clientWidth ?? 600);
  const cell = Math.max(4, Math.min(28, Math.floor((cssW - 40) / Math.max(T, 1))));
  const rowH = Math.max(6, Math.min(22, Math.floor(220 / Math.max(H, 1))));
  const left = 36, top = 4, bottom = 18;
  const w = left + cell * T + 4, h = top + rowH * H + bottom;
  const ctx = sizeCanvas(canvas, w, h);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < H; j++) {
      ctx.fillStyle = diverging(hidden[t]![j]! / scale);
      ctx.fillRect(left + t * cell, top + j * rowH, cell, rowH);
    }
  }
  ctx.fillStyle = '#333';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  for (let j = 0; j < H; j += Math.ceil(H / 8)) ctx.fillText(`h${j + 1}`, left - 4, top + j * rowH + rowH / 2);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const every = Math.ceil(T / 10);
  for (let t = 0; t < T; t += every) ctx.fillText(`t=${t + 1}`, left + t * cell + cell / 2, top + H * rowH + 3);
}

const SVG = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * The unrolled graph x_t → h_t → o_t for T steps (at most 9 columns: the first five, a gap, the
 * last three). Each h_t is shaded by its gradient norm relative to the largest (log scale, over six
 * decades); the loss sits on o_T alone, as in the adding problem.
 */
export function drawUnrolled(svg: SVGSVGElement, T: number, gradNorms: number[]): void {
  const steps: (number | null)[] = T <= 9 ? Array.from({ length: T }, (_, t) => t) : [0, 1, 2, 3, 4, null, T - 3, T - 2, T - 1];
  const colW = 78, W = 60 + colW * steps.length + 40, H = 250;
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.replaceChildren();
  const defs = el('defs', {});
  const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(el('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#444' }));
  defs.append(marker);
  svg.append(defs);
  const logs = gradNorms.map((g) => Math.log10(Math.max(g, 1e-30)));
  // a fixed log span (6 decades below the largest norm fade to white), so that preserved
  // gradients look alike and vanished ones fade, whatever the spread of this sample
  const hi = Math.max(...logs), lo = hi - 6;
  const shade = (t: number) => (gradNorms.length ? Math.max(0.04, (logs[t]! - lo) / Math.max(hi - lo, 1e-9)) : 0);
  const yX = 210, yH = 130, yO = 50, r = 20;
  const cx = (i: number) => 60 + colW * i + colW / 2;
  const line = (x1: number, y1: number, x2: number, y2: number, label: string, lx: number, ly: number) => {
    svg.append(el('line', { x1, y1, x2, y2, stroke: '#444', 'stroke-width': 1.5, 'marker-end': 'url(#arrow)' }));
    svg.append(el('text', { x: lx, y: ly, class: 'wlabel' }, label));
  };
  svg.append(el('text', { x: 8, y: yH + 5, class: 'glabel' }, 'h₀=0'));
  steps.forEach((t, i) => {
    const x = cx(i);
    if (t === null) {
      svg.append(el('text', { x, y: yH + 5, 'text-anchor': 'middle', class: 'glabel' }, '…'));
      return;
    }
    const last = t === T - 1;
    line(x, yX - r, x, yH + r + 2, 'U', x + 5, (yX + yH) / 2 + 4);
    line(x, yH - r, x, yO + r + 2, 'V', x + 5, (yH + yO) / 2 + 4);
    const prevGap = i > 0 && steps[i - 1] === null;
    const from = i === 0 ? 40 : cx(i - 1) + (prevGap ? 10 : r);
    line(from, yH, x - r - 2, yH, 'W', (from + x - r) / 2 - 5, yH - 8);
    svg.append(el('circle', { cx: x, cy: yX, r, fill: '#fff', stroke: '#1a1a1a' }));
    svg.append(el('text', { x, y: yX + 5, 'text-anchor': 'middle', class: 'glabel' }, `x${t + 1}`));
    const c = el('circle', { cx: x, cy: yH, r, fill: COLORS.grad, 'fill-opacity': shade(t).toFixed(3), stroke: '#1a1a1a' });
    c.append(el('title', {}, `h${t + 1}: ‖∂L/∂h‖ = ${gradNorms[t]?.toExponential(2) ?? '–'}`));
    svg.append(c);
    svg.append(el('text', { x, y: yH + 5, 'text-anchor': 'middle', class: shade(t) > 0.55 ? 'glabel inv' : 'glabel' }, `h${t + 1}`));
    svg.append(el('circle', { cx: x, cy: yO, r, fill: last ? '#fde7d4' : '#f3f3f3', stroke: last ? '#c25400' : '#999' }));
    svg.append(el('text', { x, y: yO + 5, 'text-anchor': 'middle', class: 'glabel' }, `o${t + 1}`));
    if (last) {
      line(x + r, yO, x + r + 26, yO, '', 0, 0);
      svg.append(el('text', { x: x + r + 30, y: yO + 5, class: 'glabel' }, 'L'));
    }
  });
}

/** Sequential white → dark blue for v in [0, 1]. */
export function sequential(v: number): string {
  const t = Math.max(0, Math.min(1, v));
  const mix = (a: number) => Math.round(255 - (255 - a) * t);
  return `rgb(${mix(8)},${mix(48)},${mix(107)})`;
}

/**
 * m[r][c] as a grid of cells, rows top to bottom, with row labels at the left and column labels
 * below (null: none). `color` maps a value to a fill.
 */
export function drawMatrix(canvas: HTMLCanvasElement, m: number[][], opts: { rowLabels: string[]; colLabel: (c: number) => string | null; color: (v: number) => string; cell: number; rowH: number; gaps?: number[]; colAlign?: 'center' | 'start' }): void {
  const R = m.length, K = m[0]?.length ?? 0;
  const left = 44, top = 4, bottom = 18;
  const w = left + opts.cell * K + 4, h = top + opts.rowH * R + bottom;
  const dpr = globalThis.devicePixelRatio || 1;
  canvas.width = w * dpr;
  canvas.height = h * dpr;
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < K; c++) {
      ctx.fillStyle = opts.color(m[r]![c]!);
      ctx.fillRect(left + c * opts.cell, top + r * opts.rowH, opts.cell, opts.rowH);
    }
  }
  ctx.strokeStyle = '#1a1a1a';
  ctx.lineWidth = 1;
  for (const c of opts.gaps ?? []) {
    ctx.beginPath();
    ctx.moveTo(left + c * opts.cell + 0.5, top);
    ctx.lineTo(left + c * opts.cell + 0.5, top + R * opts.rowH);
    ctx.stroke();
  }
  ctx.fillStyle = '#333';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  opts.rowLabels.forEach((l, r) => ctx.fillText(l, left - 4, top + r * opts.rowH + opts.rowH / 2));
  const start = opts.colAlign === 'start';
  ctx.textAlign = start ? 'left' : 'center';
  ctx.textBaseline = 'top';
  for (let c = 0; c < K; c++) {
    const l = opts.colLabel(c);
    if (l !== null) ctx.fillText(l, left + c * opts.cell + (start ? 1 : opts.cell / 2), top + R * opts.rowH + 3);
  }
}
