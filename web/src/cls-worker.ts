// Tab 4's worker: the digits-as-rows classifier (issue 10's recipe, in the page). A SequenceClassifier
// reads each 8×8 digit as 8 steps of 8 pixels. The loop is visible (train.trainStep over a
// DataLoader, cross-entropy, AdamW, cosine-annealed learning rate, ±k-pixel shifts) rather than one
// train.trainClassifier call: that call is synchronous, so Pause and Reset could not land until it
// returned. Every epoch ends with train.evaluateClassifier on the held-out half (the confusion matrix).
// Legend: N samples, T = 8 rows, F = 8 pixels, H hidden, D directions, C = 10 classes.
import { data, Generator, io, manualSeed, models, nn, noGrad, optim, Tensor, train } from 'rnnkit';
import type { ClsConfig, ClsEpochRecord, ClsFromWorker, ClsStateMsg, ClsToWorker } from './cls-protocol.js';
import { handleControl, POST_MS, RunControl } from './run-control.js';

const post = (m: ClsFromWorker): void => (self as unknown as { postMessage(m: ClsFromWorker): void }).postMessage(m);

const control = new RunControl();



const T = 8, F = 8, C = 10;
const digits = data.digitsSplit(); // train: the first 898, test: the other 899, x /16 in [0, 1]

interface Cls {
  cfg: ClsConfig;
  model: models.SequenceClassifier;
  opt: optim.AdamW;
  schedule: optim.CosineAnnealingLR;
  epoch: number;
  trainMs: number;
}
let cls: Cls | null = null;

function build(cfg: ClsConfig): Cls {
  manualSeed(cfg.seed); // the classifier draws its initial weights from the default generator
  const model = new models.SequenceClassifier({ numClasses: C, inputSize: F, cell: cfg.cell, hiddenSize: cfg.hidden, bidirectional: cfg.bidirectional, pool: cfg.pool });
  const opt = new optim.AdamW([...model.parameters()], { lr: cfg.lr, weightDecay: cfg.weightDecay });
  // PyTorch's CosineAnnealingLR(tMax = epochs), stepped after each epoch, as trainClassifier's lrSchedule 'cosine'
  const schedule = new optim.CosineAnnealingLR(opt, { tMax: cfg.epochs });
  return { cfg, model, opt, schedule, epoch: 0, trainMs: 0 };
}

function state(m: Cls, records: ClsEpochRecord[]): ClsStateMsg {
  const rep = train.evaluateClassifier(m.model, digits.test);
  return {
    type: 'cls-state', records, epoch: m.epoch, epochs: m.cfg.epochs, confusion: rep.confusion, testAccuracy: rep.accuracy,
    trainSize: digits.train.y.length, testSize: digits.test.y.length, seed: m.cfg.seed, trainMs: m.trainMs,
  };
}

async function trainCls(m: Cls, id: number): Promise<void> {
  const params = [...m.model.parameters()];
  const y = new Tensor(Float32Array.from(digits.train.y), [digits.train.y.length]);
  const loader = new data.DataLoader(new data.TensorDataset(digits.train.x, y), { batchSize: m.cfg.batchSize, shuffle: true, generator: new Generator(m.cfg.seed + m.epoch) });
  const gen = new Generator(m.cfg.seed + 1000 + m.epoch);
  let pending: ClsEpochRecord[] = [];
  let posted = -Infinity;
  while (m.epoch < m.cfg.epochs) {
    m.model.train();
    let sum = 0, count = 0, last = performance.now(), start = last;
    for (const [xb, yb] of loader) {
      const x = m.cfg.shift > 0 ? shift(xb!, m.cfg.shift, gen) : xb!;
      const r = train.trainStep(m.opt, params, () => nn.functional.crossEntropy(m.model.forward(x), yb!));
      if (r.failure !== null) {
        post({ type: 'error', message: `epoch ${m.epoch + 1}: ${r.failure}; training stopped (lower the learning rate)` });
        return;
      }
      sum += r.loss * xb!.shape[0]!;
      count += xb!.shape[0]!;
      if (performance.now() - last > 30) {
        m.trainMs += performance.now() - start;
        if (!(await control.checkpoint(id))) return;
        last = start = performance.now();
      }
    }
    m.trainMs += performance.now() - start;
    m.schedule.step();
    m.epoch++;
    const trainAccuracy = train.evaluateClassifier(m.model, digits.train).accuracy;
    const s = state(m, []);
    pending.push({ epoch: m.epoch, loss: sum / count, trainAccuracy, testAccuracy: s.testAccuracy });
    if (performance.now() - posted >= POST_MS || m.epoch === m.cfg.epochs) {
      post({ ...s, records: pending });
      pending = [];
      posted = performance.now();
    }
    if (!(await control.checkpoint(id))) return;
  }
}

/**
 * Each image of x [B,T,F] moved by (dy, dx), both uniform in [−k, k], zero-filled: the
 * augmentation trainClassifier's `augment: { shift }` applies (train.shiftImages is not in the
 * public surface). Without it the 898 training digits are learnt by heart (train 97 %, test 88 %).
 */
function shift(x: Tensor, k: number, gen: Generator): Tensor {
  const B = x.shape[0]!, src = x.contiguous().data, out = new Float32Array(B * T * F);
  for (let b = 0; b < B; b++) {
    const dy = gen.int(2 * k + 1) - k, dx = gen.int(2 * k + 1) - k;
    for (let t = Math.max(0, dy); t < Math.min(T, T + dy); t++) {
      for (let w = Math.max(0, dx); w < Math.min(F, F + dx); w++) out[(b * T + t) * F + w] = src[(b * T + t - dy) * F + w - dx]!;
    }
  }
  return new Tensor(out, [B, T, F]);
}

/**
 * The pad's digit read row by row: P(class) after rows 1…t for every t (the prefixes run as one
 * packed batch with lengths 1…T, so pooling sees only the rows read so far), and the top layer's
 * outputs after each row of the whole drawing.
 */
function classify(m: Cls, pixels: readonly number[], seq: number): void {
  const x = Float32Array.from(pixels, (v) => Math.min(1, Math.max(0, v)));
  const prefixes = new Float32Array(T * T * F);
  for (let t = 0; t < T; t++) prefixes.set(x.subarray(0, (t + 1) * F), t * T * F); // sample t: rows 0…t, zeros after
  m.model.eval();
  const rnn = m.model.rnn as unknown as { forward(x: Tensor): [Tensor, unknown] };
  const [probs, out] = noGrad(() => [
    m.model.forward(new Tensor(prefixes, [T, T, F]), Array.from({ length: T }, (_, t) => t + 1)).softmax(-1),
    rnn.forward(new Tensor(x, [1, T, F]))[0],
  ]);
  m.model.train();
  const p = probs.contiguous().data, o = out.contiguous().data, W = out.shape[2]!;
  post({
    type: 'cls-probs', seq,
    prefix: Array.from({ length: T }, (_, t) => Array.from(p.slice(t * C, (t + 1) * C))),
    hidden: Array.from({ length: T }, (_, t) => Array.from(o.slice(t * W, (t + 1) * W))),
    directions: m.cfg.bidirectional ? 2 : 1, cell: m.cfg.cell,
  });
}

/** The classifier as the CLI saves it (`rnnkit classify train --save`), in one safetensors file. */
function saveCls(m: Cls): Uint8Array {
  return io.modelToSafetensors({
    kind: 'classifier', model: m.model, classes: Array.from({ length: C }, (_, c) => String(c)), input: { features: F, steps: T },
    test: { accuracy: train.evaluateClassifier(m.model, digits.test).accuracy }, training: { source: 'rnnkit playground', epochs: m.epoch, seed: m.cfg.seed },
  });
}

/** A digits classifier from one .safetensors file or a CLI model directory's files; its settings replace the form's. */
function openCls(files: { name: string; bytes: Uint8Array }[], cfg: ClsConfig): Cls {
  const name = files.map((f) => f.name).join(' + ');
  let saved: io.SavedModel;
  if (files.length === 1 && files[0]!.name.endsWith('.safetensors')) saved = io.modelFromSafetensors(files[0]!.bytes, { source: files[0]!.name });
  else if (files.some((f) => f.name === 'config.json')) saved = io.modelFromFiles(io.filesReader(new Map(files.map((f) => [f.name, f.bytes])), 'model directory'));
  else throw new Error(`choose one .safetensors model file, or a model directory's config.json together with its weights-….safetensors file (got ${name})`);
  if (saved.kind !== 'classifier') throw new Error(`${name}: a ${saved.kind}, not a classifier`);
  const a = saved.model.arch;
  if (a.inputSize !== F || a.numClasses !== C || a.embedding) throw new Error(`${name}: a classifier of ${a.numClasses} classes reading ${a.inputSize} features a step; this tab needs 10 classes of 8-pixel rows`);
  const c: ClsConfig = { ...cfg, cell: a.cell as ClsConfig['cell'], hidden: a.hiddenSize, bidirectional: a.bidirectional, pool: a.pool as ClsConfig['pool'] };
  const m = build(c);
  m.model = saved.model;
  m.opt = new optim.AdamW([...m.model.parameters()], { lr: c.lr, weightDecay: c.weightDecay });
  m.schedule = new optim.CosineAnnealingLR(m.opt, { tMax: c.epochs });
  m.epoch = c.epochs; // trained out: Train starts a fresh model
  return m;
}

async function handle(msg: ClsToWorker): Promise<void> {
  const rebuild = (): void => {
    if (!cls) return;
    cls = build(cls.cfg);
    post(state(cls, []));
  };
  if (handleControl(control, msg, post, rebuild)) return;
  switch (msg.type) {
    case 'cls-setup':
      control.start();
      cls = build(msg.config);
      post(state(cls, []));
      return;
    case 'cls-train': {
      const id = control.start();
      // a trained-out model, or any changed setting, starts afresh; otherwise training continues
      const c = msg.config, old = cls?.cfg;
      if (!cls || !old || JSON.stringify(old) !== JSON.stringify(c) || cls.epoch >= old.epochs) cls = build(c);
      await trainCls(cls, id);
      return;
    }
    case 'cls-save':
      if (!cls) throw new Error('nothing to save yet');
      post({ type: 'file', name: `rnnkit-digits-${cls.cfg.cell}${cls.cfg.hidden}${cls.cfg.bidirectional ? '-bi' : ''}-epoch${cls.epoch}.safetensors`, bytes: saveCls(cls) });
      return;
    case 'cls-open': {
      control.start();
      if (!cls) throw new Error('the tab is not ready yet');
      cls = openCls(msg.files, cls.cfg);
      const a = cls.cfg;
      post({ ...state(cls, []), loaded: { name: msg.files.map((f) => f.name).join(' + '), cell: a.cell, hidden: a.hidden, bidirectional: a.bidirectional, pool: a.pool } });
      return;
    }
    case 'cls-classify':
      if (cls) classify(cls, msg.pixels, msg.seq);
      return;
    case 'cls-sample': {
      const i = Math.min(Math.max(0, msg.index), digits.test.y.length - 1);
      post({ type: 'cls-sample', index: i, label: digits.test.y[i]!, pixels: Array.from(digits.test.x.data.slice(i * T * F, (i + 1) * T * F)) });
      return;
    }
  }
}

self.onmessage = (e: MessageEvent<ClsToWorker>) => {
  handle(e.data).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message.split('\n')[0]! : String(err) }));
};
