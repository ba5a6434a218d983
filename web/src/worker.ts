// The playground's training worker: every tensor op runs here, so the page never waits on one.
// It uses rnnkit's public API only. The training loops are visible and yield to the event loop
// between epochs (and every ~30 ms inside one), which is where Pause, Resume and Reset land:
// fit() is one synchronous call, and a synchronous call cannot hear a message without
// SharedArrayBuffer, which a static host without cross-origin isolation does not give us.
import { data, diagnostics, forecast, Generator, models, nn, noGrad, optim, Tensor, train } from 'rnnkit';
import type { EpochRecord, FromWorker, InConfig, InStateMsg, ToWorker, TsConfig } from './protocol.js';
import { POST_MS, RunControl } from './run-control.js';

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

async function trainSeries(cfg: TsConfig, id: number): Promise<void> {
  const values = series.values, n = values.length, L = cfg.seqLen;
  const spans = data.timeSplit(n, { test: cfg.test, val: cfg.val, minTrain: L + 2 });
  const a = spans.train[1], b = spans.val[1];
  // the scaler learns from the training span only, as runExperiment does: nothing from val or test leaks in
  const scaler = data.makeScaler('standard').fit(values.slice(0, a));
  const z = scaler.transform(values);
  const actualTest = values.slice(b);
  const predictTest = (m: { predictOneStep(s: readonly number[], start: number): number[] }) => scaler.inverseTransform(m.predictOneStep(z, b));
  const scores = (p: number[]) => `test RMSE ${fmt(forecast.rmse(actualTest, p))} · MAE ${fmt(forecast.mae(actualTest, p))} (${actualTest.length} held-out points)`;

  if (cfg.model === 'ar' || cfg.model === 'persistence') {
    const m = cfg.model === 'ar' ? new models.ARForecaster({ p: cfg.arP }) : new models.PersistenceForecaster();
    m.fit(z.slice(0, b)); // closed form: the whole span before the test (train + val)
    const p = predictTest(m);
    const what = cfg.model === 'ar' ? `AR(${cfg.arP}) fitted by least squares` : 'persistence (x̂_t = x_{t−1})';
    post({ type: 'ts-done', summary: `${what} · ${scores(p)}`, testStart: b, predicted: p, closedForm: true });
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
  let p: number[] = [];
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
      p = predictTest(f);
      post({ type: 'ts-epoch', records: pending, epochs: cfg.epochs, testStart: b, predicted: p });
      pending = [];
      posted = performance.now();
    }
    if (!(await control.checkpoint(id))) return;
  }
  post({ type: 'ts-done', summary: `${cfg.model.toUpperCase()} trained ${cfg.epochs} epochs · ${scores(p)}`, testStart: b, predicted: p, closedForm: false });
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
  const g = diagnostics.hiddenGradNorms(m.rnn, xs, (out) => insideLoss(m, out, ys));
  for (const p of m.head.parameters()) p.grad = null; // the diagnostic's backward reached the head
  const hs = noGrad(() => m.rnn.forward(xs)[0]).data; // [1,T,H]
  const H = m.cfg.hidden;
  const hidden = Array.from({ length: T }, (_, t) => Array.from(hs.slice(t * H, (t + 1) * H)));
  return {
    type: 'in-state', epoch: m.epoch, epochs: m.cfg.epochs, loss: m.loss, radius: diagnostics.spectralRadius(m.whh),
    gradNorms: g.norms[0]!, hidden, nonlinearity: m.cfg.init === 'irnn' ? 'relu' : 'tanh', sample: s, samples: SAMPLES,
    marked: [m.positions[2 * s]!, m.positions[2 * s + 1]!], target: m.y.data[s]!, seed: m.cfg.seed,
  };
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
  switch (msg.type) {
    case 'pause':
      control.pause();
      post({ type: 'paused' });
      return;
    case 'resume':
      control.resume();
      post({ type: 'resumed' });
      return;
    case 'reset':
      control.start();
      if (inside) {
        inside = buildInside(inside.cfg);
        post(insideState(inside));
      }
      post({ type: 'reset' });
      return;
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
  }
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  handle(e.data).catch((err: unknown) => post({ type: 'error', message: message(err) }));
};
