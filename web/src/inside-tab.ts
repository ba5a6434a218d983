// Tab 2, inside the network: a small RNN on the adding problem; the unrolled graph, the hidden
// state over time, ‖∂L/∂h_t‖ per step (live), ρ(W_hh) with a slider that rescales W_hh, the
// initialisation and gradient clipping.
import type uPlot from 'uplot';
import { COLORS, drawHeatmap, drawUnrolled, lineChart } from './charts.js';
import { chosenFiles, download } from './files.js';
import { drawConnectivity, drawStepBars } from './inside-views.js';
import type { FromWorker, InConfig, InInit, InStateMsg } from './protocol.js';
import { throttled, fmt, num, Runner } from './runner.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export function insideTab(): void {
  const status = $('in-status'), error = $('in-error'), seeds = $('in-seeds');
  const radius = $<HTMLInputElement>('in-radius'), radiusOut = $<HTMLOutputElement>('in-radius-out');
  const graph = document.getElementById('in-graph') as unknown as SVGSVGElement;
  const heat = $<HTMLCanvasElement>('in-heatmap'), heatCaption = $('in-heatmap-caption');
  let state: InStateMsg | null = null;
  const contrib = $<HTMLCanvasElement>('in-contrib'), contribCaption = $('in-contrib-caption');
  const conn = $<HTMLCanvasElement>('in-conn'), connCaption = $('in-conn-caption'), connStep = $<HTMLInputElement>('in-connstep');

  const gradChart: uPlot = lineChart($('in-grad-chart'), {
    xLabel: 'step t', yLabel: '‖∂L/∂h_t‖', log: true, height: 220,
    lines: [{ label: '‖∂L/∂h_t‖', stroke: COLORS.grad }],
  });

  const draw = throttled(() => {
    if (!state) return;
    const s = state, T = s.gradNorms.length;
    // a log axis cannot show 0 (an exactly vanished gradient): leave a gap there
    gradChart.setData([s.gradNorms.map((_, t) => t + 1), s.gradNorms.map((g) => (g > 0 ? g : null))] as uPlot.AlignedData);
    drawUnrolled(graph, T, s.gradNorms);
    graph.setAttribute('aria-label', `Unrolled graph of the RNN over ${T} steps: inputs x_t feed hidden states h_t through U, each h_t feeds h_(t+1) through W and an output o_t through V; U, W and V are the same at every step; the loss L reads o_${T} only`);
    const maxAbs = Math.max(1e-9, ...s.hidden.flat().map(Math.abs));
    const scale = s.nonlinearity === 'tanh' ? 1 : maxAbs;
    drawHeatmap(heat, s.hidden, scale);
    heatCaption.textContent = `Hidden state h_t of sample ${s.sample} (rows: ${s.hidden[0]?.length ?? 0} units, columns: ${T} steps; ${s.nonlinearity === 'tanh' ? 'blue −1 … white 0 … red +1' : `ReLU: white 0 … red ${fmt(maxAbs)}`}); marked steps ${s.marked[0] + 1} and ${s.marked[1] + 1}, target ${fmt(s.target)}`;
    const ratio = s.gradNorms[0]! / Math.max(s.gradNorms[T - 1]!, 1e-300);
    const verdict = s.radius < 0.95 ? 'below 1: gradients shrink going back in time (vanishing)' : s.radius > 1.05 ? 'above 1: gradients can grow going back in time (exploding)' : 'near 1: the edge between vanishing and exploding';
    radiusOut.textContent = `ρ(W_hh) = ${s.radius.toFixed(3)} — ${verdict}; ‖∂L/∂h₁‖ / ‖∂L/∂h_T‖ = ${ratio.toExponential(2)}`;
    radius.setAttribute('aria-valuetext', `target spectral radius ${radius.value}; now ${s.radius.toFixed(3)}`);

    // RNNbow: each step's term of ∂L/∂W_hh
    const width = Math.max(320, (contrib.parentElement?.clientWidth ?? 640) - 8);
    const marked = [s.marked[0], s.marked[1]];
    drawStepBars(contrib, s.contrib, { width, highlight: marked });
    contrib.dataset.values = JSON.stringify(s.contrib);
    contrib.dataset.total = String(s.contribTotal);
    const kMax = s.contrib.indexOf(Math.max(...s.contrib));
    const share = (k: number) => s.contrib[k]! / Math.max(s.contrib.reduce((a, b) => a + b, 0), 1e-300);
    contrib.setAttribute('aria-label', `Bar chart of the gradient contributions: for each step k = 1 to ${T}, the norm of the part of dL/dW_hh that flows through step k's use of W_hh; the largest is step ${kMax + 1} (${fmt(s.contrib[kMax]!)}); the marked steps ${s.marked[0] + 1} and ${s.marked[1] + 1} carry ${(100 * share(s.marked[0])).toFixed(1)} % and ${(100 * share(s.marked[1])).toFixed(1)} % of the sum of norms`);
    contribCaption.textContent = `Itemized gradient of W_hh (RNNbow): ‖∂L/∂W_hh through step k‖ for each k (bars and shade; orange: the two marked steps); their sum is ∂L/∂W_hh, ‖∂L/∂W_hh‖ = ${fmt(s.contribTotal)}; step 1's term is 0 (it multiplies h₀ = 0)`;
    // Distill: ‖∂o_t/∂x_k‖
    drawConnectivity(conn, s.conn, s.inputs, s.connStep, { width });
    conn.dataset.values = JSON.stringify(s.conn);
    conn.dataset.step = String(s.connStep);
    const cMax = s.conn.indexOf(Math.max(...s.conn));
    conn.setAttribute('aria-label', `Connectivity strip over the input sequence: the shade of each input x_k is how strongly it moves the output o_${s.connStep} (the norm of do_${s.connStep}/dx_k); strongest at k = ${cMax + 1}; inputs after step ${s.connStep} cannot move it; marked inputs ${s.marked[0] + 1} and ${s.marked[1] + 1} are framed`);
    connCaption.textContent = `Connectivity (Distill): how strongly each input x_k moves o_${s.connStep} = ${fmt(s.connValue)} — ‖∂o_${s.connStep}/∂x_k‖, white 0 … dark blue ${fmt(s.conn[cMax]!)} at k = ${cMax + 1}; framed: the marked inputs; grey: after step ${s.connStep}; the numbers are the inputs' values`;
  });

  const runner = new Runner({ train: $('in-train'), pause: $('in-pause'), reset: $('in-reset') }, status, error, (m: FromWorker) => {
    if (m.type === 'file') {
      download(m.bytes, m.name);
      runner.setStatus(`saved ${m.name} (${m.bytes.length.toLocaleString('en')} bytes)`);
      return;
    }
    if (m.type === 'in-state') {
      state = m;
      connStep.max = String(m.inputs.length);
      if (document.activeElement !== connStep) connStep.value = String(m.connStep);
      if (m.loaded) {
        const c = m.loaded;
        for (const [id, v] of [['in-seqlen', c.seqLen], ['in-hidden', c.hidden], ['in-init', c.init], ['in-seed', c.seed], ['in-lr', c.lr], ['in-epochs', c.epochs], ['in-sample', c.sample], ['in-clipnorm', c.clipNorm]] as const) {
          ($(id) as HTMLInputElement).value = String(v);
        }
        $<HTMLInputElement>('in-clip').checked = c.clip;
        showSeeds(c);
      }
      // the slider shows where ρ is now (training moves it), unless the user holds it
      if (document.activeElement !== radius) radius.value = String(Math.min(2, Math.max(0.1, m.radius)));
      if (m.loaded) runner.setStatus(`loaded · epoch ${m.epoch} · ρ(W_hh) ${m.radius.toFixed(3)}`);
      else if (m.epoch === 0) runner.setStatus(`epoch 0 · loss – (untrained) · ρ(W_hh) ${m.radius.toFixed(3)}`);
      else runner.setStatus(`epoch ${m.epoch} · loss ${m.loss === null ? '–' : fmt(m.loss)} · ρ(W_hh) ${m.radius.toFixed(3)}`);
      if (m.epoch >= m.epochs && runner.running) {
        runner.setStatus(`epoch ${m.epoch} · loss ${fmt(m.loss!)} · ρ(W_hh) ${m.radius.toFixed(3)} · done`);
        runner.stopped();
      }
      draw();
    } else if (m.type === 'reset') runner.stopped();
  });

  function config(): InConfig | string {
    const c: InConfig = {
      seqLen: num('in-seqlen'), hidden: num('in-hidden'), init: ($('in-init') as HTMLSelectElement).value as InInit, clip: $<HTMLInputElement>('in-clip').checked,
      clipNorm: num('in-clipnorm'), lr: num('in-lr'), epochs: num('in-epochs'), seed: num('in-seed'), sample: num('in-sample'),
      connStep: Math.min(num('in-connstep'), num('in-seqlen')) || num('in-seqlen'),
    };
    if (!Number.isInteger(c.connStep) || c.connStep < 1) return `output step t must be an integer in 1 … T, got ${c.connStep}`;
    if (!Number.isInteger(c.seqLen) || c.seqLen < 2 || c.seqLen > 100) return `sequence length must be an integer in 2 … 100, got ${c.seqLen}`;
    if (!Number.isInteger(c.hidden) || c.hidden < 1 || c.hidden > 64) return `hidden units must be an integer in 1 … 64, got ${c.hidden}`;
    if (!Number.isInteger(c.epochs) || c.epochs < 1) return `epochs must be a positive integer, got ${c.epochs}`;
    if (!Number.isInteger(c.seed) || c.seed < 0) return `seed must be an integer ≥ 0, got ${c.seed}`;
    if (!Number.isInteger(c.sample) || c.sample < 0 || c.sample > 255) return `sample must be an integer in 0 … 255, got ${c.sample}`;
    if (!(c.lr > 0)) return `learning rate must be positive, got ${c.lr}`;
    if (!(c.clipNorm > 0)) return `clip norm must be positive, got ${c.clipNorm}`;
    return c;
  }

  function showSeeds(c: InConfig): void {
    seeds.textContent = `seed ${c.seed} (weights) · data seed ${c.seed + 1} (256 adding-problem sequences) · batch order seed ${c.seed + 2}`;
  }

  // a change of init, size, seed or rate sets up a new, untrained model
  const setup = runner.bindForm({
    form: $('in-form'), reset: $('in-reset'), config, showSeeds,
    fields: ['in-seqlen', 'in-hidden', 'in-init', 'in-seed', 'in-lr'],
    setup: (c) => ({ type: 'in-setup', config: c }),
    train: (c) => ({ type: 'in-train', config: c }),
  });
  $('in-sample').addEventListener('change', () => {
    const s = num('in-sample');
    if (Number.isInteger(s) && s >= 0 && s <= 255) runner.send({ type: 'in-sample', sample: s });
  });
  const sendClip = () => runner.send({ type: 'in-clip', clip: $<HTMLInputElement>('in-clip').checked, clipNorm: num('in-clipnorm') > 0 ? num('in-clipnorm') : 1 });
  $('in-clip').addEventListener('change', sendClip);
  $('in-clipnorm').addEventListener('change', sendClip);
  radius.addEventListener('input', () => runner.send({ type: 'in-radius', radius: Number(radius.value) }));
  connStep.addEventListener('change', () => {
    const t = num('in-connstep');
    if (Number.isInteger(t) && t >= 1 && t <= num('in-seqlen')) runner.send({ type: 'in-step', step: t });
  });
  $('in-save').addEventListener('click', () => runner.send({ type: 'in-save' }));
  $('in-open').addEventListener('change', (e) => {
    void chosenFiles(e.target as HTMLInputElement).then((files) => {
      if (files.length === 0) return;
      runner.clearError();
      runner.stopped();
      runner.send({ type: 'in-open', files });
    });
  });

  setup();
}
