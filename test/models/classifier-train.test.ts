import { describe, expect, it } from 'vitest';
import { manualSeed } from '../../src/tensor/random.js';
import { digitsSplit } from '../../src/data/datasets.js';
import { movingShapes } from '../../src/data/moving-shapes.js';
import { SequenceClassifier } from '../../src/models/classifier.js';
import { balancedWeights, evaluateClassifier, predictClasses, stratifiedSplit, trainClassifier } from '../../src/train/classify.js';
import { filesReader, modelFromFiles, modelToFiles } from '../../src/io/model-dir.js';

describe('trainClassifier', () => {
  it('learns moving-shape directions from variable-length frames (packed), reproducibly', () => {
    const data = movingShapes({ n: 160, size: 8, minFrames: 4, maxFrames: 8, shapeSize: 2, noise: 0.05, seed: 1 });
    const { train, val } = stratifiedSplit(data, 0.25, 0);
    const run = () => {
      manualSeed(0);
      const m = new SequenceClassifier({ inputSize: 64, numClasses: 4, cell: 'gru', hiddenSize: 24 });
      const r = trainClassifier(m, { train, val }, { epochs: 12, lr: 0.01, batchSize: 16, seed: 3 });
      return { m, r };
    };
    const a = run(), b = run();
    expect(a.r.history.train).toEqual(b.r.history.train); // seeded: the same run twice
    expect(a.r.history.valAccuracy!.at(-1)).toBeGreaterThan(0.9);
    expect(a.r.history.train.at(-1)!).toBeLessThan(a.r.initialLoss.train / 3);
    const rep = evaluateClassifier(a.m, val);
    expect(rep.accuracy).toBe(a.r.history.valAccuracy!.at(-1));
    expect(rep.confusion.flat().reduce((s, v) => s + v, 0)).toBe(val.y.length);
  });

  it('a saved classifier loads with the same predictions (model directory round trip)', () => {
    const { train, test } = digitsSplit();
    manualSeed(0);
    const m = new SequenceClassifier({ inputSize: 8, numClasses: 10, cell: 'lstm', hiddenSize: 16, bidirectional: true, pool: 'mean' });
    trainClassifier(m, { train }, { epochs: 2, lr: 0.01 });
    const files = modelToFiles({ kind: 'classifier', model: m, classes: train.classes, input: { features: 8, steps: 8 } });
    const saved = modelFromFiles(filesReader(files, 'dir'));
    expect(saved.kind).toBe('classifier');
    if (saved.kind !== 'classifier') return;
    expect(saved.classes).toEqual(train.classes);
    expect(Array.from(predictClasses(saved.model, test))).toEqual(Array.from(predictClasses(m, test)));
  });

  it('a config that does not fit its weights, or a bad field, is one line', () => {
    manualSeed(0);
    const m = new SequenceClassifier({ inputSize: 3, numClasses: 2, hiddenSize: 4 });
    const files = modelToFiles({ kind: 'classifier', model: m, classes: ['a', 'b'], input: { features: 3, steps: 5 } });
    const cfg = JSON.parse(files.get('config.json') as string) as Record<string, Record<string, unknown>>;
    const edit = (f: (c: typeof cfg) => void) => {
      const c = structuredClone(cfg);
      f(c);
      const g = new Map(files);
      g.set('config.json', JSON.stringify(c));
      return () => modelFromFiles(filesReader(g, 'dir'), { source: 'dir' });
    };
    expect(edit((c) => { c.arch!.hiddenSize = 5; })).toThrow(/^dir: the weights do not fit config.json: /);
    expect(edit((c) => { c.arch!.pool = 'sum'; })).toThrow('dir/config.json: "arch.pool" must be one of last, mean, max, got "sum"');
    expect(edit((c) => { (c as Record<string, unknown>).classes = ['a']; })).toThrow('dir/config.json: "classes" must be a list of 2 class names (arch.numClasses), got ["a"]');
  });

  it("'balanced' class weights are scikit-learn's N / (C · count)", () => {
    expect(balancedWeights(Int32Array.from([0, 0, 0, 1]), 3)).toEqual([4 / 9, 4 / 3, 0]);
  });

  it('labels outside the model\'s classes are refused before training', () => {
    const data = movingShapes({ n: 8, size: 4, minFrames: 2, maxFrames: 3, shapeSize: 1, seed: 0 });
    const m = new SequenceClassifier({ inputSize: 16, numClasses: 2 });
    expect(() => trainClassifier(m, { train: data }, { epochs: 1 })).toThrow(/^trainClassifier: the training set \(.*\) has label [23] at sample \d+; the model has 2 classes \(0\.\.1\)$/);
  });
});

describe('shiftImages (augmentation of images read as rows)', () => {
  it('moves every image by (dy, dx) in [−k, k], zero-filled: out(t, w) = x(t − dy, w − dx)', async () => {
    const { shiftImages } = await import('../../src/train/classify.js');
    const { Generator } = await import('../../src/tensor/random.js');
    const { tensor } = await import('../../src/tensor/creation.js');
    const H = 4, W = 3, C = 2, B = 50;
    const x = tensor(Float32Array.from({ length: B * H * W * C }, (_, i) => i + 1)).reshape([B, H, W * C]);
    const gen = new Generator(5), ref = new Generator(5);
    const out = shiftImages(x, 1, C, gen).data;
    const seen = new Set<string>();
    for (let b = 0; b < B; b++) {
      const dy = ref.int(3) - 1, dx = ref.int(3) - 1;
      seen.add(`${dy},${dx}`);
      for (let t = 0; t < H; t++) for (let w = 0; w < W; w++) for (let c = 0; c < C; c++) {
        const ts = t - dy, ws = w - dx;
        const want = ts < 0 || ts >= H || ws < 0 || ws >= W ? 0 : x.data[((b * H + ts) * W + ws) * C + c]!;
        expect(out[((b * H + t) * W + w) * C + c]).toBe(want);
      }
    }
    expect(seen.size).toBe(9); // all nine shifts occur in 50 draws
  });
});

describe('many-to-many tagging on the same encoder', () => {
  it('learns a class per step (the sign of a running sum), padding steps ignored', async () => {
    const { tensor } = await import('../../src/tensor/creation.js');
    const { Generator } = await import('../../src/tensor/random.js');
    const gen = new Generator(2);
    const N = 96, T = 7;
    const x = new Float32Array(N * T), y = new Int32Array(N * T), lengths = new Int32Array(N);
    for (let n = 0; n < N; n++) {
      lengths[n] = 3 + gen.int(T - 2);
      let s = 0;
      for (let t = 0; t < T; t++) {
        const v = t < lengths[n]! ? gen.normal() : 0;
        x[n * T + t] = v;
        s += v;
        y[n * T + t] = t < lengths[n]! ? (s > 0 ? 1 : 0) : 1; // a wrong label on padding: it must not matter
      }
    }
    const data = { x: tensor(x).reshape([N, T, 1]), y, lengths, classes: ['neg', 'pos'], source: 'running sums' };
    manualSeed(0);
    const m = new SequenceClassifier({ inputSize: 1, numClasses: 2, cell: 'gru', hiddenSize: 16, perStep: true });
    const r = trainClassifier(m, { train: data }, { epochs: 30, lr: 0.02, batchSize: 16 });
    expect(r.history.trainAccuracy.at(-1)!).toBeGreaterThan(0.93);
    const rep = evaluateClassifier(m, data);
    // only real steps are scored
    expect(rep.confusion.flat().reduce((a, b) => a + b, 0)).toBe(lengths.reduce((a, b) => a + b, 0));
  });
});
