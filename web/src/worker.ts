// The playground's training worker: every tensor op runs here, so the page never waits on one.
// It uses rnnkit's public API only. The training loops are visible and yield to the event loop
// between epochs (and every ~30 ms inside one), which is where Pause, Resume and Reset land:
// fit() is one synchronous call, and a synchronous call cannot hear a message without
// SharedArrayBuffer, which a static host without cross-origin isolation does not give us.
import { data, diagnostics, forecast, Generator, io, jsKernels, kernels, models, nn, noGrad, optim, Tensor, train } from 'rnnkit';
import { TS_MODELS, type EpochRecord, type FromWorker, type InConfig, type InStateMsg, type MultiStep, type ToWorker, type TsConfig, type TsModel, type UploadedFile } from './protocol.js';
import { handleControl, POST_MS, RunControl } from './run-control.js';

type Forecaster = io.SavedForecaster['model'];

const post = (m: FromWorker): void => (self as unknown as { postMessage(m: FromWorker): void }).postMessage(m);

const control = new RunControl();





function message(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0]! : String(e);
}

// ---- tab 1: time series
let series: { source: 'gs10' | 'csv'; name: string; dates: string[]; values: number[] } = { source: 'gs10', ...data.gs10() };

function loadCsv(text: string, name: string): void {
  const t = data.parseSeriesCsv(text, { source: name });
  series = { source: 'csv', name: t.target, dates: t.dates, values: t.columns[t.target]! };
}

/** The split, the scaler (fitted on the training span only, as runExperiment does) and the standardised series. */
function prepare(values: number[], test: number, val: number, minTrain: number) {
  const n = values.length;
  const spans = data.timeSplit(n, { test, val, minTrain });
  const a = spans.train[1], b = spans.val[1];
  const scaler = data.makeScaler('standard').fit(values.slice(0, a));
  return { n, a, b, scaler, z: scaler.transform(values) };
}

/**
 * The one-step predictions of the test span (each fed the observed value before it: teacher-forced)
 * and the recursive ones (fed its own outputs from the test origin on: free running), with H steps
 * past the end; original units.
 */
function multiStep(values: readonly number[], b: number, oneStep: number[], rollout: number[], future: number[]): MultiStep {
  const actual = values.slice(b);
  return { rollout, future, rmseOneStep: forecast.rmse(actual, oneStep), rmseRollout: forecast.rmse(actual, rollout) };
}

function scoreLine(values: readonly number[], b: number, p: number[], m: MultiStep): string {
  const actual = values.slice(b);
  return `test RMSE ${fmt(m.rmseOneStep)} · MAE ${fmt(forecast.mae(actual, p))} one step ahead (${actual.length} held-out points) · recursive from the test origin RMSE ${fmt(m.rmseRollout)} · exposure-bias gap ${fmt(m.rmseRollout - m.rmseOneStep)}`;
}

/** The model tab 1 holds now, as the CLI saves it (null: nothing trained, or a model no CLI command reads). */
let tsSaved: io.SavedForecaster | null = null;

async function trainSeries(cfg: TsConfig, id: number): Promise<void> {
  tsSaved = null;
  if (cfg.model === 'output-recurrent') return trainOutputRecurrent(cfg, id);
  const values = series.values, L = cfg.seqLen;
  const { n, a, b, scaler, z } = prepare(values, cfg.test, cfg.val, L + 2);
  const H = cfg.horizon;
  const evaluate = (m: Forecaster): { p: number[]; multi: MultiStep } => {
    const p = scaler.inverseTransform(m.predictOneStep(z, b));
    return { p, multi: multiStep(values, b, p, scaler.inverseTransform(m.forecast(z.slice(0, b), n - b)), scaler.inverseTransform(m.forecast(z, H))) };
  };
  const keep = (m: Forecaster) => {
    tsSaved = { kind: 'forecaster', model: m, columns: [series.name], target: series.name, inputs: [series.name], scalers: [scaler], fill: null };
  };

  if (cfg.model === 'ar' || cfg.model === 'persistence') {
    const m = cfg.model === 'ar' ? new models.ARForecaster({ p: cfg.arP }) : new models.PersistenceForecaster();
    m.fit(z.slice(0, b)); // closed form: the whole span before the test (train + val)
    const { p, multi } = evaluate(m);
    keep(m);
    const what = cfg.model === 'ar' ? `AR(${cfg.arP}) fitted by least squares` : 'persistence (x̂_t = x_{t−1})';
    post({ type: 'ts-done', summary: `${what} · ${scoreLine(values, b, p, multi)}`, testStart: b, predicted: p, multi, closedForm: true, saveable: true });
    return;
  }

  const o = { seqLen: L, hidden: cfg.hidden, layers: cfg.layers, epochs: cfg.epochs, lr: cfg.lr, batchSize: cfg.batchSize, seed: cfg.seed, reduction: 'sum' as const };
  const f = cfg.model === 'mlp' ? new models.MLPForecaster(o) : cfg.model === 'lstm' ? new models.LSTMForecaster(o) : cfg.model === 'gru' ? new models.GRUForecaster(o) : new models.RNNForecaster(o);
  const model = f.model;
  // the forecasters' own training sets: MLP N→1 windows [W,L] → [W,1]; recurrent N→N [W,L,1] → [W,L,1], every step trained on the next value
  const zTrain = z.slice(0, a), zVal = z.slice(a, b);
  const { x, y } = cfg.model === 'mlp' ? data.windowsNto1(zTrain, L) : data.windowsNtoN(zTrain, L);
  const toTarget = cfg.model === 'mlp' ? (out: Tensor) => out : (out: Tensor) => out.squeeze(-1);
  const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: cfg.batchSize, shuffle: true, generator: new Generator(cfg.seed) });
  const params = [...model.parameters()];
  const opt = new optim.Adam(params, { lr: cfg.lr });
  const clip = cfg.clip > 0 ? { clipGradNorm: cfg.clip } : {};
  let ev = evaluate(f); // the untrained model's, replaced at every post
  let pending: EpochRecord[] = [];
  let posted = -Infinity;
  for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    model.train();
    let sum = 0, count = 0, last = performance.now();
    for (const [xb, yb] of loader) {
      // the tutorial's summed squared error per batch; reported per element
      const r = train.trainStep(opt, params, () => nn.functional.mseLoss(toTarget(model.forward(xb!)), yb!, 'sum'), clip);
      if (r.failure !== null) {
        post({ type: 'error', message: `epoch ${epoch}: ${r.failure}; training stopped (lower the learning rate or turn on clipping)` });
        return;
      }
      sum += r.loss;
      count += yb!.numel();
      if (performance.now() - last > 30) {
        if (!(await control.checkpoint(id))) return;
        last = performance.now();
      }
    }
    const val = zVal.length > 0 ? mse(f.predictOneStep(z.slice(0, b), a), zVal) : null;
    pending.push({ epoch, train: sum / count, val });
    if (performance.now() - posted >= POST_MS || epoch === cfg.epochs) {
      ev = evaluate(f);
      post({ type: 'ts-epoch', records: pending, epochs: cfg.epochs, testStart: b, predicted: ev.p, multi: ev.multi });
      pending = [];
      posted = performance.now();
    }
    if (!(await control.checkpoint(id))) return;
  }
  keep(f);
  post({ type: 'ts-done', summary: `${cfg.model.toUpperCase()} trained ${cfg.epochs} epochs · ${scoreLine(values, b, ev.p, ev.multi)}`, testStart: b, predicted: ev.p, multi: ev.multi, closedForm: false, saveable: true });
}

/**
 * The output-recurrent RNN of the tutorial's §3.2.1 (models.OutputRecurrentRNN, no input, no
 * hidden-to-hidden weights): h_t = tanh(W_o y_{t−1} + b), o_t = V h_t + c, where the fed-back
 * y_{t−1} is the delay vector (z_{t−1}, …, z_{t−p}) — the truth (teacher forcing), its own previous
 * output (free running) or a per-window coin flip between them (scheduled sampling, the
 * teacher-forcing probability falling linearly from 1 to 0 over the run), as `rnnkit modes`
 * trains it. Windows of L targets from the training span, each fed the observed y before it.
 */
async function trainOutputRecurrent(cfg: TsConfig, id: number): Promise<void> {
  const values = series.values, W = cfg.seqLen, P = cfg.lags;
  const { n, a, b, scaler, z } = prepare(values, cfg.test, cfg.val, W + P + 1);
  const pair = (t: number) => Array.from({ length: P }, (_, j) => z[t - j]!); // y_t
  const starts: number[] = [];
  for (let s = P; s + W <= a; s++) starts.push(s);
  const N = starts.length;
  if (N < 1) throw new Error(`the training span (${a} points) is too short for windows of ${W} steps after ${P} lags: lower the window length or the lags`);
  const y = new Float32Array(W * N * P), y0 = new Float32Array(N * P);
  starts.forEach((s, i) => {
    y0.set(pair(s - 1), i * P);
    for (let t = 0; t < W; t++) y.set(pair(s + t), (t * N + i) * P);
  });
  const Y = new Tensor(y, [W, N, P]), Y0 = new Tensor(y0, [N, P]);
  const model = new models.OutputRecurrentRNN(0, cfg.hidden, P, { generator: new Generator(cfg.seed) });
  const params = [...model.parameters()];
  const opt = new optim.Adam(params, { lr: cfg.lr });
  const clip = cfg.clip > 0 ? { clipGradNorm: cfg.clip } : {};
  const gen = new Generator(cfg.seed + 1);
  const iterations = cfg.epochs * Math.ceil(N / cfg.batchSize);
  const schedule = train.linearDecay({ k: 1, c: 1 / iterations }); // ε_i: the teacher-forcing probability
  // one step fed the truth (teacher-forced) for targets t ∈ [from, to), and free-running rollouts
  const oneStep = (from: number, to: number): number[] => {
    if (to <= from) return [];
    const prev = new Tensor(Float32Array.from(Array.from({ length: to - from }, (_, i) => pair(from + i - 1)).flat()), [to - from, P]);
    const o = noGrad(() => model.step(null, prev)).data;
    return Array.from({ length: to - from }, (_, i) => o[i * P]!);
  };
  const rollout = (origin: number, steps: number): number[] => {
    const o = noGrad(() => model.forward(null, new Tensor(Float32Array.from(pair(origin - 1)), [1, P]), steps)).data;
    return Array.from({ length: steps }, (_, i) => o[i * P]!);
  };
  const evaluate = () => {
    model.eval();
    const p = scaler.inverseTransform(oneStep(b, n));
    const multi = multiStep(values, b, p, scaler.inverseTransform(rollout(b, n - b)), scaler.inverseTransform(rollout(n, cfg.horizon)));
    model.train();
    return { p, multi };
  };
  let ev = evaluate(), it = 0, prob = 0;
  let pending: EpochRecord[] = [];
  let posted = -Infinity;
  for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    const order = gen.permutation(N);
    let sum = 0, count = 0, last = performance.now();
    for (let s = 0; s < N; s += cfg.batchSize) {
      const idx = Array.from(order.slice(s, s + cfg.batchSize));
      const batch = { x: null, y: Y.index(1, idx), y0: Y0.index(0, idx) };
      const out = (): Tensor => {
        if (cfg.mode === 'teacher-forcing') return train.teacherForcing(model, batch);
        if (cfg.mode === 'free-running') return train.freeRunning(model, { x: null, y0: batch.y0, steps: W });
        prob = 1 - schedule(it);
        return train.scheduledSampling(model, batch, { samplingProb: prob, generator: gen });
      };
      const r = train.trainStep(opt, params, () => nn.functional.mseLoss(out(), batch.y), clip);
      if (r.failure !== null) {
        post({ type: 'error', message: `epoch ${epoch}: ${r.failure}; training stopped (lower the learning rate or turn on clipping)` });
        return;
      }
      it++;
      sum += r.loss * idx.length;
      count += idx.length;
      if (performance.now() - last > 30) {
        if (!(await control.checkpoint(id))) return;
        last = performance.now();
      }
    }
    model.eval();
    const val = b > a ? mse(oneStep(a, b), z.slice(a, b)) : null;
    model.train();
    pending.push({ epoch, train: sum / count, val });
    if (performance.now() - posted >= POST_MS || epoch === cfg.epochs) {
      ev = evaluate();
      post({ type: 'ts-epoch', records: pending, epochs: cfg.epochs, testStart: b, predicted: ev.p, multi: ev.multi });
      pending = [];
      posted = performance.now();
    }
    if (!(await control.checkpoint(id))) return;
  }
  const how = cfg.mode === 'scheduled-sampling' ? `scheduled sampling (fed its own output with probability rising to ${prob.toFixed(2)})` : cfg.mode.replace('-', ' ');
  post({
    type: 'ts-done', summary: `output-recurrent RNN (${P} lags, ${cfg.hidden} units) trained ${cfg.epochs} epochs by ${how} on ${N} windows of ${W} · ${scoreLine(values, b, ev.p, ev.multi)}`,
    testStart: b, predicted: ev.p, multi: ev.multi, closedForm: false, saveable: false,
  });
}

/** A model from the page: one .safetensors file (the playground's Save) or a CLI model directory's config.json and weights file. */
function openModel(files: UploadedFile[]): io.SavedModel {
  if (files.length === 1 && files[0]!.name.endsWith('.safetensors')) return io.modelFromSafetensors(files[0]!.bytes, { source: files[0]!.name });
  const config = files.find((f) => f.name === 'config.json');
  if (!config) throw new Error(`choose one .safetensors model file, or a model directory's config.json together with its weights-….safetensors file (got ${files.map((f) => f.name).join(', ')})`);
  return io.modelFromFiles(io.filesReader(new Map(files.map((f) => [f.name, f.bytes])), 'model directory'));
}

/** A saved forecaster applied to the loaded series: one-step and recursive predictions over the last `test` points. */
function openSeries(files: UploadedFile[], test: number, horizon: number): void {
  const m = openModel(files);
  if (m.kind !== 'forecaster') throw new Error(`${files[0]!.name}: a ${m.kind}, not a forecaster (tab 4 opens classifiers)`);
  if (m.inputs.length !== 1) throw new Error(`${files[0]!.name}: the model reads ${m.inputs.length} columns (${m.inputs.join(', ')}); this tab forecasts one series`);
  if (m.transforms && m.transforms.length > 0) throw new Error(`${files[0]!.name}: the model was trained on a transformed series (${m.transforms.map((t) => t.kind).join(', ')}); this tab applies none`);
  const values = series.values, n = values.length, b = n - test;
  if (!(b > 1)) throw new Error(`held-out test points must be fewer than the ${n} points of the series`);
  const scaler = m.scalers[0]!, z = scaler.transform(values), f = m.model;
  const p = scaler.inverseTransform(f.predictOneStep(z, b));
  const multi = multiStep(values, b, p, scaler.inverseTransform(f.forecast(z.slice(0, b), n - b)), scaler.inverseTransform(f.forecast(z, horizon)));
  tsSaved = { ...m, columns: [series.name], target: series.name, inputs: [series.name] };
  const json = f.toJSON() as { options?: Record<string, number>; p?: number };
  const j = { ...(json.options ?? {}), p: json.p } as { seqLen?: number; hidden?: number; layers?: number; p?: number };
  const name = f.name as TsModel;
  post({
    type: 'ts-done', summary: `loaded ${f.name.toUpperCase()} from ${files.map((x) => x.name).join(' + ')} (trained on ${m.target}), applied to ${series.name} with its saved scaler · ${scoreLine(values, b, p, multi)}`,
    testStart: b, predicted: p, multi, closedForm: true, saveable: true,
    loaded: { model: TS_MODELS.includes(name) ? name : 'rnn', seqLen: j.seqLen, hidden: j.hidden, layers: j.layers, arP: j.p },
  });
}

function mse(p: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (p[i]! - y[i]!) ** 2;
  return s / y.length;
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toPrecision(4) : v.toExponential(3);
}

// ---- tab 2: inside the network — a small RNN on the adding problem, scored on its last output only
const SAMPLES = 256;
const BATCH = 32;

interface Inside {
  cfg: InConfig;
  rnn: nn.RNN;
  head: nn.Linear;
  whh: Tensor; // [H,H]
  x: Tensor; // [N,T,2]
  y: Tensor; // [N,1]
  positions: Int32Array;
  opt: optim.Adam;
  epoch: number;
  loss: number | null;
}
let inside: Inside | null = null;

function buildInside(cfg: InConfig): Inside {
  const g = new Generator(cfg.seed);
  // IRNN is by definition a ReLU net (Le et al. 2015): identity W_hh keeps h only where f′ = 1
  const relu = cfg.init === 'irnn';
  const rnn = new nn.RNN(2, cfg.hidden, { batchFirst: true, nonlinearity: relu ? 'relu' : 'tanh', generator: g });
  const head = new nn.Linear(cfg.hidden, 1, { generator: g });
  const whh = new Map(rnn.namedParameters()).get('weight_hh_l0')!;
  if (cfg.init === 'orthogonal') nn.init.orthogonal_(whh, 1, g);
  if (cfg.init === 'irnn') nn.init.irnn_(rnn, { generator: g });
  const task = data.addingProblem(SAMPLES, cfg.seqLen, { generator: new Generator(cfg.seed + 1) });
  const opt = new optim.Adam([...rnn.parameters(), ...head.parameters()], { lr: cfg.lr });
  return { cfg, rnn, head, whh, x: task.x, y: task.y, positions: task.positions, opt, epoch: 0, loss: null };
}

function insideLoss(m: Inside, out: Tensor, y: Tensor): Tensor {
  return nn.functional.mseLoss(m.head.forward(out.select(1, m.cfg.seqLen - 1)), y, 'mean');
}

function insideState(m: Inside): InStateMsg {
  const T = m.cfg.seqLen, s = Math.min(Math.max(0, m.cfg.sample), SAMPLES - 1);
  const xs = new Tensor(m.x.data.slice(s * T * 2, (s + 1) * T * 2), [1, T, 2]);
  const ys = new Tensor(m.y.data.slice(s, s + 1), [1, 1]);
  const clearHead = () => {
    for (const p of m.head.parameters()) p.grad = null; // the diagnostics' backward reached the head
  };
  const g = diagnostics.hiddenGradNorms(m.rnn, xs, (out) => insideLoss(m, out, ys));
  clearHead();
  // RNNbow: the terms of ∂L/∂W_hh through each step's use of W_hh; Distill: ‖∂o_t/∂x_k‖
  const c = diagnostics.gradContributions(m.rnn, xs, (out) => insideLoss(m, out, ys));
  clearHead();
  const t = Math.min(Math.max(1, m.cfg.connStep), T);
  const conn = diagnostics.inputConnectivity(m.rnn, xs, (out) => m.head.forward(out.select(1, t - 1)));
  clearHead();
  const hs = noGrad(() => m.rnn.forward(xs)[0]).data; // [1,T,H]
  const H = m.cfg.hidden;
  const hidden = Array.from({ length: T }, (_, t) => Array.from(hs.slice(t * H, (t + 1) * H)));
  return {
    type: 'in-state', epoch: m.epoch, epochs: m.cfg.epochs, loss: m.loss, radius: diagnostics.spectralRadius(m.whh),
    gradNorms: g.norms[0]!, hidden, nonlinearity: m.cfg.init === 'irnn' ? 'relu' : 'tanh', sample: s, samples: SAMPLES,
    marked: [m.positions[2 * s]!, m.positions[2 * s + 1]!], target: m.y.data[s]!, seed: m.cfg.seed,
    contrib: c.norms, contribTotal: l2(c.total.data), conn: conn.norms, connStep: t, connValue: conn.value[0]!,
    inputs: Array.from({ length: T }, (_, k) => [xs.data[2 * k]!, xs.data[2 * k + 1]!] as [number, number]),
  };
}

function l2(d: ArrayLike<number>): number {
  let q = 0;
  for (let i = 0; i < d.length; i++) q += d[i]! * d[i]!;
  return Math.sqrt(q);
}

/** Tab 2's model as safetensors: PyTorch names under rnn. and head., the configuration in the metadata. */
function saveInside(m: Inside): Uint8Array {
  const tensors: Record<string, Tensor> = {};
  for (const [k, v] of m.rnn.namedParameters()) tensors[`rnn.${k}`] = v;
  for (const [k, v] of m.head.namedParameters()) tensors[`head.${k}`] = v;
  return io.saveSafetensorsBytes(tensors, { format: INSIDE_FORMAT, config: JSON.stringify(m.cfg), epoch: String(m.epoch) });
}

const INSIDE_FORMAT = 'rnnkit-playground-inside';

function openInside(files: UploadedFile[]): Inside {
  const f = files[0];
  if (files.length !== 1 || !f!.name.endsWith('.safetensors')) throw new Error('choose one .safetensors file saved by this tab');
  const { tensors, metadata } = io.loadSafetensorsBytes(f.bytes, f.name);
  if (metadata.format !== INSIDE_FORMAT) throw new Error(`${f.name}: not a model of this tab (no "format": "${INSIDE_FORMAT}" in its metadata)`);
  let cfg: InConfig;
  try {
    cfg = JSON.parse(metadata.config ?? '') as InConfig;
  } catch {
    throw new Error(`${f.name}: its "config" metadata is not valid JSON`);
  }
  const int = (v: unknown, lo: number, hi: number) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
  if (!int(cfg.seqLen, 2, 100) || !int(cfg.hidden, 1, 64) || !['default', 'orthogonal', 'irnn'].includes(cfg.init) || !int(cfg.seed, 0, 2 ** 31) || !(cfg.lr > 0) || !int(cfg.epochs, 1, 1e6)) {
    throw new Error(`${f.name}: its "config" metadata is not a configuration of this tab (sequence length 2…100, hidden 1…64, init, seed, lr, epochs)`);
  }
  cfg = { ...cfg, sample: int(cfg.sample, 0, SAMPLES - 1) ? cfg.sample : 0, connStep: int(cfg.connStep, 1, cfg.seqLen) ? cfg.connStep : cfg.seqLen, clip: !!cfg.clip, clipNorm: cfg.clipNorm > 0 ? cfg.clipNorm : 1 };
  const m = buildInside(cfg);
  const pick = (prefix: string) => Object.fromEntries(Object.entries(tensors).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  try {
    m.rnn.loadStateDict(pick('rnn.'));
    m.head.loadStateDict(pick('head.'));
  } catch (e) {
    throw new Error(`${f.name}: ${message(e)}`);
  }
  const epoch = Number(metadata.epoch);
  m.epoch = Number.isInteger(epoch) && epoch >= 0 ? epoch : 0;
  return m;
}

async function trainInside(m: Inside, id: number): Promise<void> {
  const params = [...m.rnn.parameters(), ...m.head.parameters()];
  const loader = new data.DataLoader(new data.TensorDataset(m.x, m.y), { batchSize: BATCH, shuffle: true, generator: new Generator(m.cfg.seed + 2) });
  let posted = -Infinity;
  while (m.epoch < m.cfg.epochs) {
    let sum = 0, count = 0;
    for (const [xb, yb] of loader) {
      const clip = m.cfg.clip ? { clipGradNorm: m.cfg.clipNorm } : {};
      const r = train.trainStep(m.opt, params, () => insideLoss(m, m.rnn.forward(xb!)[0], yb!), clip);
      if (r.failure !== null) {
        post({ type: 'error', message: `epoch ${m.epoch + 1}: ${r.failure}; training stopped (turn clipping on, or scale W_hh down)` });
        return;
      }
      sum += r.loss * xb!.shape[0]!;
      count += xb!.shape[0]!;
    }
    m.epoch++;
    m.loss = sum / count;
    if (performance.now() - posted >= POST_MS || m.epoch === m.cfg.epochs) {
      post(insideState(m));
      posted = performance.now();
    }
    if (!(await control.checkpoint(id))) return;
  }
}

function scaleToRadius(m: Inside, radius: number): void {
  const rho = diagnostics.spectralRadius(m.whh);
  if (rho > 0) noGrad(() => m.whh.mul_(radius / rho)); // in place: bumps the version the kernels' weight cache reads
}

// ---- messages
async function handle(msg: ToWorker): Promise<void> {
  const rebuild = (): void => {
    if (!inside) return;
    inside = buildInside(inside.cfg);
    post(insideState(inside));
  };
  if (handleControl(control, msg, post, rebuild)) return;
  switch (msg.type) {
    case 'ts-load':
      if (msg.source === 'gs10') series = { source: 'gs10', ...data.gs10() };
      else loadCsv(msg.text, msg.name);
      post({ type: 'series', ...series });
      return;
    case 'ts-train': {
      const id = control.start();
      await trainSeries(msg.config, id);
      return;
    }
    case 'in-setup':
      control.start();
      inside = buildInside(msg.config);
      post(insideState(inside));
      return;
    case 'in-train': {
      const id = control.start();
      // a changed architecture, init, seed or rate starts a fresh model; otherwise training continues
      const c = msg.config, old = inside?.cfg;
      if (!inside || !old || old.seqLen !== c.seqLen || old.hidden !== c.hidden || old.init !== c.init || old.seed !== c.seed || old.lr !== c.lr || inside.epoch >= old.epochs) {
        inside = buildInside(c);
      } else inside.cfg = c;
      await trainInside(inside, id);
      return;
    }
    case 'in-sample':
      if (!inside) return;
      inside.cfg = { ...inside.cfg, sample: msg.sample };
      post(insideState(inside));
      return;
    case 'in-clip':
      if (inside) inside.cfg = { ...inside.cfg, clip: msg.clip, clipNorm: msg.clipNorm };
      return;
    case 'in-radius':
      if (!inside) return;
      scaleToRadius(inside, msg.radius);
      post(insideState(inside));
      return;
    case 'in-step':
      if (!inside) return;
      inside.cfg = { ...inside.cfg, connStep: msg.step };
      post(insideState(inside));
      return;
    case 'in-save':
      if (!inside) throw new Error('nothing to save yet');
      post({ type: 'file', name: `rnnkit-inside-rnn${inside.cfg.hidden}-T${inside.cfg.seqLen}-epoch${inside.epoch}.safetensors`, bytes: saveInside(inside) });
      return;
    case 'in-open':
      control.start();
      inside = openInside(msg.files);
      post({ ...insideState(inside), loaded: inside.cfg });
      return;
    case 'ts-save': {
      if (!tsSaved) throw new Error('nothing to save: train a model first (the output-recurrent model has no CLI model kind, so it is not saved)');
      post({ type: 'file', name: `rnnkit-${tsSaved.model.name}-${tsSaved.target.replace(/[^\w.-]+/g, '_')}.safetensors`, bytes: io.modelToSafetensors(tsSaved) });
      return;
    }
    case 'ts-open':
      control.start();
      openSeries(msg.files, msg.test, msg.horizon);
      return;
  }
}

// which numeric kernels run here: WebAssembly SIMD, or plain JS where the runtime has none
{
  const k = kernels() as { relaxed?: boolean };
  const simd = k !== jsKernels;
  post({ type: 'kernels', simd, name: simd ? `WebAssembly SIMD${k.relaxed ? ' (relaxed SIMD)' : ''}` : 'plain JavaScript (no WebAssembly SIMD here)' });
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  handle(e.data).catch((err: unknown) => post({ type: 'error', message: message(err) }));
};
