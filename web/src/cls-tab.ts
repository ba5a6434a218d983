// Tab 4, sequences in, a class out: the digits-as-rows classifier trained live (accuracy per epoch,
// the test confusion matrix), and an 8×8 drawing pad whose digit is classified row by row, with
// P(digit) after each row and the hidden state after each row.
import type uPlot from 'uplot';
import { COLORS, diverging, drawMatrix, lineChart, sequential } from './charts.js';
import type { ClsCell, ClsConfig, ClsFromWorker, ClsPool, ClsProbsMsg, ClsStateMsg, ClsToWorker } from './cls-protocol.js';
import { throttled, fmt, num, Runner } from './runner.js';
import { chosenFiles, download } from './files.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const N = 8; // the pad is N×N, as the digits

export function classifierTab(): void {
  const status = $('cls-status'), error = $('cls-error'), seeds = $('cls-seeds');
  const confusion = $<HTMLTableElement>('cls-confusion'), confusionCaption = $('cls-confusion-caption');
  const probsList = $<HTMLOListElement>('cls-probs'), probsCaption = $('cls-probs-caption');
  const prefixCanvas = $<HTMLCanvasElement>('cls-prefix'), hiddenCanvas = $<HTMLCanvasElement>('cls-hidden-map'), hiddenCaption = $('cls-hidden-caption');
  const history: { epoch: number[]; train: number[]; test: number[] } = { epoch: [], train: [], test: [] };
  let state: ClsStateMsg | null = null;
  let probs: ClsProbsMsg | null = null;

  const accChart: uPlot = lineChart($('cls-acc-chart'), {
    xLabel: 'epoch', yLabel: 'accuracy (%)', height: 200,
    lines: [{ label: 'train', stroke: COLORS.train }, { label: 'test', stroke: COLORS.val, dash: [6, 4] }],
  });

  const drawState = throttled(() => {
    if (!state) return;
    accChart.setData([history.epoch, history.train, history.test] as uPlot.AlignedData);
    renderConfusion(state);
  });

  const drawProbs = throttled(() => {
    if (!probs) return;
    const p = probs, last = p.prefix[N - 1]!;
    const best = last.indexOf(Math.max(...last));
    probsList.replaceChildren(...last.map((v, c) => {
      const li = document.createElement('li');
      li.dataset.p = String(v);
      if (c === best) li.className = 'best';
      const name = document.createElement('span');
      name.textContent = String(c);
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${(100 * v).toFixed(1)}%`;
      const val = document.createElement('span');
      val.textContent = `${(100 * v).toFixed(1)} %`;
      const track = document.createElement('span');
      track.className = 'track';
      track.append(bar);
      li.append(name, track, val);
      return li;
    }));
    probsList.dataset.cells = String(pad.filter((v) => v > 0).length);
    probsCaption.textContent = `P(digit) after all 8 rows: ${best} (${(100 * last[best]!).toFixed(1)} %)`;
    probsList.setAttribute('aria-label', `Class probabilities after the last row; most probable digit ${best} at ${(100 * last[best]!).toFixed(1)} percent`);
    drawMatrix(prefixCanvas, p.prefix, { rowLabels: p.prefix.map((_, t) => `row ${t + 1}`), colLabel: (c) => String(c), color: sequential, cell: 30, rowH: 18 });
    const W = p.hidden[0]?.length ?? 0, H = W / p.directions;
    const cell = Math.max(4, Math.min(14, Math.floor(560 / Math.max(W, 1))));
    drawMatrix(hiddenCanvas, p.hidden, {
      rowLabels: p.hidden.map((_, t) => `row ${t + 1}`), color: diverging, cell, rowH: 18, gaps: p.directions === 2 ? [H] : [],
      colLabel: (j) => (j % H !== 0 ? null : p.directions === 2 ? (j === 0 ? `forward → h1…h${H}` : `reverse ← h1…h${H}`) : `h1…h${H}`), colAlign: 'start',
    });
    hiddenCaption.textContent = p.directions === 2
      ? `Hidden state after each row, ${H} units each way: left the forward units (rows 1…t read top down), right the reverse ones (read from row 8 up); blue −1 … white 0 … red +1`
      : `Hidden state h_t after each row t (${H} units; blue −1 … white 0 … red +1)`;
  });

  function renderConfusion(s: ClsStateMsg): void {
    const K = s.confusion.length;
    const head = document.createElement('tr');
    head.append(cellOf('th', 'true ↓ / pred →', 'col'));
    for (let c = 0; c < K; c++) head.append(cellOf('th', String(c), 'col'));
    const rows = s.confusion.map((row, r) => {
      const tr = document.createElement('tr');
      tr.append(cellOf('th', String(r), 'row'));
      const total = row.reduce((a, b) => a + b, 0) || 1;
      row.forEach((n, c) => {
        const td = cellOf('td', String(n));
        const share = n / total;
        td.style.background = r === c ? sequential(share) : share > 0 ? `rgba(179, 38, 30, ${Math.min(1, 0.15 + share * 2).toFixed(2)})` : '#fff';
        if ((r === c && share > 0.45) || (r !== c && share > 0.35)) td.classList.add('inv');
        tr.append(td);
      });
      return tr;
    });
    confusion.replaceChildren(head, ...rows);
    confusionCaption.textContent = `Confusion matrix on the ${s.testSize} test digits, epoch ${s.epoch}: accuracy ${(100 * s.testAccuracy).toFixed(1)} % (rows: true digit, columns: predicted; blue: right, red: wrong)`;
  }

  const runner = new Runner<ClsToWorker, ClsFromWorker>({ train: $('cls-train'), pause: $('cls-pause'), reset: $('cls-reset') }, status, error, (m) => {
    if (m.type === 'cls-state') {
      state = m;
      if (m.loaded) {
        const l = m.loaded;
        ($('cls-cell') as HTMLSelectElement).value = l.cell;
        ($('cls-hidden') as HTMLInputElement).value = String(l.hidden);
        $<HTMLInputElement>('cls-bidir').checked = l.bidirectional;
        ($('cls-pool') as HTMLSelectElement).value = l.pool;
        history.epoch = []; history.train = []; history.test = [];
        runner.setStatus(`loaded ${l.name} · test accuracy ${(100 * m.testAccuracy).toFixed(1)} %`);
      } else if (m.epoch === 0) {
        history.epoch = []; history.train = []; history.test = [];
        runner.setStatus(`epoch 0 · loss – (untrained) · test accuracy ${(100 * m.testAccuracy).toFixed(1)} %`);
      }
      for (const r of m.records) {
        history.epoch.push(r.epoch); history.train.push(100 * r.trainAccuracy); history.test.push(100 * r.testAccuracy);
      }
      const r = m.records[m.records.length - 1];
      if (r) {
        const done = m.epoch >= m.epochs;
        runner.setStatus(`epoch ${m.epoch} · loss ${fmt(r.loss)} · test accuracy ${(100 * r.testAccuracy).toFixed(1)} %${done ? ` · done in ${(m.trainMs / 1000).toFixed(1)} s` : ''}`);
        if (done && runner.running) runner.stopped();
      }
      drawState();
      classify(); // the pad's digit under the new weights
    } else if (m.type === 'cls-probs') {
      if (m.seq === seq) {
        probs = m;
        drawProbs();
      }
    } else if (m.type === 'cls-sample') {
      m.pixels.forEach((v, i) => setCell(i, v));
      classify();
      $('cls-sample').setAttribute('aria-description', `test digit ${m.index} is a ${m.label}`);
      probsCaption.dataset.label = String(m.label);
    } else if (m.type === 'file') {
      download(m.bytes, m.name);
      runner.setStatus(`saved ${m.name} (${m.bytes.length.toLocaleString('en')} bytes)`);
    } else if (m.type === 'reset') runner.stopped();
  }, new Worker(new URL('./cls-worker.ts', import.meta.url), { type: 'module' }));

  // ---- the drawing pad: 64 toggle buttons, a roving tab stop (arrow keys), paint by dragging
  const pad: number[] = new Array<number>(N * N).fill(0);
  const cells: HTMLButtonElement[] = [];
  const padEl = $('cls-pad');
  let seq = 0;
  const classify = throttled(() => runner.send({ type: 'cls-classify', pixels: pad, seq: ++seq }), 60);

  function setCell(i: number, v: number): void {
    pad[i] = v;
    const b = cells[i]!;
    b.style.background = v > 0 ? sequential(0.25 + 0.75 * v) : '#fff';
    b.setAttribute('aria-pressed', String(v > 0));
    b.setAttribute('aria-label', `row ${Math.floor(i / N) + 1}, column ${(i % N) + 1}`);
  }

  for (let i = 0; i < N * N; i++) {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.r = String(Math.floor(i / N));
    b.dataset.c = String(i % N);
    b.tabIndex = i === 0 ? 0 : -1;
    cells.push(b);
    padEl.append(b);
    setCell(i, 0);
  }

  let painting: number | null = null; // the value a drag paints, while the pointer is down
  padEl.addEventListener('pointerdown', (e) => {
    const b = (e.target as HTMLElement).closest<HTMLButtonElement>('#cls-pad button');
    if (!b) return;
    // touch captures the pointer to the first cell; release it so the drag reaches the others
    b.releasePointerCapture?.(e.pointerId);
    const i = cells.indexOf(b);
    painting = pad[i]! > 0 ? 0 : 1;
    setCell(i, painting);
    classify();
  });
  padEl.addEventListener('pointermove', (e) => {
    if (painting === null) return;
    const b = document.elementFromPoint(e.clientX, e.clientY)?.closest<HTMLButtonElement>('#cls-pad button');
    if (!b) return;
    const i = cells.indexOf(b);
    if (pad[i] !== painting) {
      setCell(i, painting);
      classify();
    }
  });
  for (const ev of ['pointerup', 'pointercancel', 'pointerleave'] as const) padEl.addEventListener(ev, () => (painting = null));
  padEl.addEventListener('click', (e) => {
    // pointer clicks were painted on pointerdown; detail 0 is Enter or Space on the button
    if ((e as MouseEvent).detail !== 0) return;
    const b = (e.target as HTMLElement).closest<HTMLButtonElement>('#cls-pad button');
    if (!b) return;
    const i = cells.indexOf(b);
    setCell(i, pad[i]! > 0 ? 0 : 1);
    classify();
  });
  padEl.addEventListener('keydown', (e) => {
    const b = (e.target as HTMLElement).closest<HTMLButtonElement>('#cls-pad button');
    if (!b) return;
    const i = cells.indexOf(b), r = Math.floor(i / N), c = i % N;
    const to = e.key === 'ArrowRight' ? r * N + Math.min(N - 1, c + 1) : e.key === 'ArrowLeft' ? r * N + Math.max(0, c - 1)
      : e.key === 'ArrowDown' ? Math.min(N - 1, r + 1) * N + c : e.key === 'ArrowUp' ? Math.max(0, r - 1) * N + c
        : e.key === 'Home' ? r * N : e.key === 'End' ? r * N + N - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    b.tabIndex = -1;
    cells[to]!.tabIndex = 0;
    cells[to]!.focus();
  });
  $('cls-clear').addEventListener('click', () => {
    for (let i = 0; i < N * N; i++) setCell(i, 0);
    classify();
  });
  $('cls-load').addEventListener('click', () => {
    const i = num('cls-sample');
    if (!Number.isInteger(i) || i < 0 || i > 898) return runner.showError(`test digit must be an integer in 0 … 898, got ${i}`);
    runner.clearError();
    runner.send({ type: 'cls-sample', index: i });
  });

  // ---- training
  function config(): ClsConfig | string {
    const c: ClsConfig = {
      cell: ($('cls-cell') as HTMLSelectElement).value as ClsCell, hidden: num('cls-hidden'), bidirectional: $<HTMLInputElement>('cls-bidir').checked,
      pool: ($('cls-pool') as HTMLSelectElement).value as ClsPool, epochs: num('cls-epochs'), lr: num('cls-lr'), weightDecay: num('cls-wd'),
      batchSize: num('cls-batch'), seed: num('cls-seed'), shift: num('cls-shift'),
    };
    if (!Number.isInteger(c.shift) || c.shift < 0 || c.shift > 3) return `shift must be an integer in 0 … 3, got ${c.shift}`;
    if (!Number.isInteger(c.hidden) || c.hidden < 1 || c.hidden > 128) return `hidden units must be an integer in 1 … 128, got ${c.hidden}`;
    if (!Number.isInteger(c.epochs) || c.epochs < 1 || c.epochs > 1000) return `epochs must be an integer in 1 … 1000, got ${c.epochs}`;
    if (!Number.isInteger(c.batchSize) || c.batchSize < 1) return `batch size must be a positive integer, got ${c.batchSize}`;
    if (!Number.isInteger(c.seed) || c.seed < 0) return `seed must be an integer ≥ 0, got ${c.seed}`;
    if (!(c.lr > 0)) return `learning rate must be positive, got ${c.lr}`;
    if (!(c.weightDecay >= 0)) return `weight decay must be ≥ 0, got ${c.weightDecay}`;
    return c;
  }

  function showSeeds(c: ClsConfig): void {
    seeds.textContent = `seed ${c.seed} (weights: manualSeed(${c.seed}); batch order: Generator(${c.seed}); shifts: Generator(${c.seed + 1000}))`;
  }

  $('cls-save').addEventListener('click', () => runner.send({ type: 'cls-save' }));
  $('cls-open').addEventListener('change', (e) => {
    void chosenFiles(e.target as HTMLInputElement).then((files) => {
      if (files.length === 0) return;
      runner.clearError();
      runner.stopped();
      runner.send({ type: 'cls-open', files });
    });
  });

  const setup = runner.bindForm({
    form: $('cls-form'), reset: $('cls-reset'), config, showSeeds,
    fields: ['cls-cell', 'cls-hidden', 'cls-bidir', 'cls-pool', 'cls-seed', 'cls-epochs', 'cls-lr', 'cls-wd', 'cls-batch', 'cls-shift'],
    setup: (c) => ({ type: 'cls-setup', config: c }),
    train: (c) => ({ type: 'cls-train', config: c }),
  });

  setup();
}

function cellOf(tag: 'th' | 'td', text: string, scope?: 'row' | 'col'): HTMLTableCellElement {
  const c = document.createElement(tag);
  c.textContent = text;
  if (scope) c.scope = scope;
  return c;
}
