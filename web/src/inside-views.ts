// Tab 2's per-step views (canvas): RNNbow-style bars of each step's term of ∂L/∂W_hh, and a
// Distill-style connectivity strip, ‖∂o_t/∂x_k‖ over the input sequence.
import { COLORS, sequential, sizeCanvas as setup } from './charts.js';

const tick = (v: number) => (v === 0 ? '0' : v < 0.01 || v >= 1e4 ? v.toExponential(1) : String(+v.toPrecision(3)));

/**
 * One bar per step k (height ∝ value, on a linear axis from 0 to the largest), a heat cell under
 * each bar (same value, white … dark blue), and step labels below.
 */
export function drawStepBars(canvas: HTMLCanvasElement, values: number[], opts: { width: number; highlight?: number[] }): void {
  const T = values.length, left = 56, right = 8, top = 10, barH = 120, heatH = 14, bottom = 20;
  const cell = Math.max(6, Math.floor((opts.width - left - right) / Math.max(T, 1)));
  const w = left + cell * T + right, h = top + barH + 4 + heatH + bottom;
  const ctx = setup(canvas, w, h);
  const max = Math.max(...values, 0);
  ctx.strokeStyle = '#767676';
  ctx.beginPath();
  ctx.moveTo(left - 0.5, top);
  ctx.lineTo(left - 0.5, top + barH + 0.5);
  ctx.lineTo(left + cell * T, top + barH + 0.5);
  ctx.stroke();
  ctx.fillStyle = '#333';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillText(tick(max), left - 4, top);
  ctx.fillText('0', left - 4, top + barH);
  values.forEach((v, k) => {
    const bh = max > 0 ? (v / max) * barH : 0;
    ctx.fillStyle = opts.highlight?.includes(k) ? COLORS.predicted : COLORS.grad;
    ctx.fillRect(left + k * cell + 1, top + barH - bh, cell - 2, bh);
    ctx.fillStyle = sequential(max > 0 ? v / max : 0);
    ctx.fillRect(left + k * cell, top + barH + 4, cell, heatH);
  });
  ctx.strokeStyle = '#c8c8c8';
  ctx.strokeRect(left + 0.5, top + barH + 4.5, cell * T - 1, heatH - 1);
  ctx.fillStyle = '#333';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const every = Math.ceil(T / 12);
  for (let k = 0; k < T; k += every) ctx.fillText(`k=${k + 1}`, left + k * cell + cell / 2, top + barH + 4 + heatH + 3);
}

/**
 * The input sequence as a strip of cells, each shaded by its connectivity to o_t (white 0 … dark
 * blue the largest), with the input's value printed in it; marked inputs are framed, the step t
 * read is flagged, and steps after t (which o_t cannot see) are hatched grey.
 */
export function drawConnectivity(canvas: HTMLCanvasElement, conn: number[], inputs: [number, number][], t: number, opts: { width: number }): void {
  const T = conn.length, left = 56, right = 8, top = 18, rowH = 30, bottom = 20;
  const cell = Math.max(16, Math.floor((opts.width - left - right) / Math.max(T, 1)));
  const w = left + cell * T + right, h = top + rowH + bottom;
  const ctx = setup(canvas, w, h);
  const max = Math.max(...conn, 0);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  conn.forEach((c, k) => {
    const x = left + k * cell;
    const share = max > 0 ? c / max : 0;
    ctx.fillStyle = k >= t ? '#d4d4d4' : sequential(share);
    ctx.fillRect(x, top, cell - 1, rowH);
    if (inputs[k]![1] > 0) {
      ctx.strokeStyle = COLORS.predicted;
      ctx.lineWidth = 2.5;
      ctx.strokeRect(x + 1.5, top + 1.5, cell - 4, rowH - 3);
    }
    ctx.fillStyle = k < t && share > 0.55 ? '#fff' : '#1a1a1a';
    if (cell >= 22) ctx.fillText(inputs[k]![0].toFixed(2).replace(/^0/, ''), x + cell / 2, top + rowH / 2);
  });
  ctx.fillStyle = '#333';
  ctx.textAlign = 'right';
  ctx.fillText('x_k', left - 6, top + rowH / 2);
  ctx.textAlign = 'center';
  ctx.fillText(`▼ o_${t} reads here`, Math.min(w - 50, left + (t - 1) * cell + cell / 2), top - 9);
  ctx.textBaseline = 'top';
  const every = Math.ceil(T / 12);
  for (let k = 0; k < T; k += every) ctx.fillText(`k=${k + 1}`, left + k * cell + cell / 2, top + rowH + 3);
}
