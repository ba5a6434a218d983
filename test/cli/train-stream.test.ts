// `train --stream` (issue 14): the streamed AR run writes the results the in-memory run writes
// (metrics, intervals, forecast, split, saved model), charts are downsampled with LTTB and say so,
// and runs it cannot do are one-line refusals (exit 2).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { Generator } from '../../src/tensor/random.js';
import { runExperiment } from '../../src/forecast/experiment.js';
import { GRUForecaster, LSTMForecaster, MLPForecaster, RNNForecaster } from '../../src/models/neural.js';
import { PersistenceForecaster } from '../../src/models/persistence.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rnnkit-stream-'));
async function rnnkit(...args: string[]) {
  let stdout = '', stderr = '';
  const code = await runCli(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}
/** A daily CSV of a seeded AR(2) around 10 with a missing value, n rows. */
function csv(dir: string, n: number): string {
  const g = new Generator(5);
  let a = 0, b = 0;
  const day0 = Date.UTC(1990, 0, 1);
  const rows = Array.from({ length: n }, (_, i) => {
    const y = 0.5 * a - 0.2 * b + g.normal();
    b = a;
    a = y;
    return `${new Date(day0 + i * 86400000).toISOString().slice(0, 10)},${i === 7 ? '.' : (10 + y).toFixed(4)}`;
  });
  const path = join(dir, 'y.csv');
  writeFileSync(path, ['date,y', ...rows].join('\n') + '\n');
  return path;
}
const strip = (o: unknown) => JSON.parse(JSON.stringify(o, (k, v) => (k === 'fitSeconds' || k === 'files' || k === 'streamed' ? undefined : v)));

describe('train --stream', () => {
  it('AR: the same results.json and saved model as the in-memory run; the long series is downsampled with LTTB and labelled', async () => {
    const dir = tmp();
    const data = csv(dir, 2100);
    const args = ['--data', data, '--model', 'ar', '--seq-len', '3', '--fill', 'ffill', '--test', '40', '--steps', '5', '--quantiles', '0.1,0.9', '--season', '7', '-q', '--json'];
    const mem = await rnnkit('train', ...args, '--out', join(dir, 'm'), '--save', join(dir, 'mm'));
    const str = await rnnkit('train', ...args, '--out', join(dir, 's'), '--save', join(dir, 'sm'), '--stream');
    expect(mem.stderr).toBe('');
    expect([mem.code, str.code]).toEqual([0, 0]);
    const a = JSON.parse(readFileSync(join(dir, 'm', 'results.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(dir, 's', 'results.json'), 'utf8'));
    expect(b.streamed).toBe(true);
    expect(strip(b)).toEqual(strip(a));
    expect(a.models.ar.test.mase).toBeGreaterThan(0);
    expect(a.models.ar.intervals.levels).toEqual([0.1, 0.9]);
    // the saved models forecast alike
    const fa = await rnnkit('forecast', '--model', join(dir, 'mm'), '--data', data, '--fill', 'ffill', '--steps', '3', '--json');
    const fb = await rnnkit('forecast', '--model', join(dir, 'sm'), '--data', data, '--fill', 'ffill', '--steps', '3', '--json');
    expect(JSON.parse(fb.stdout).forecast).toEqual(JSON.parse(fa.stdout).forecast);
    // 2100 points drawn as 2000, and the chart and report say so (both paths)
    for (const d of ['m', 's']) {
      const html = readFileSync(join(dir, d, 'report.html'), 'utf8');
      expect(html).toContain('Downsampled for the chart: the series shows 2000 of its 2100 points, chosen by Largest-Triangle-Three-Buckets (LTTB)');
      expect(readFileSync(join(dir, d, 'forecast.svg'), 'utf8')).toContain('(downsampled, LTTB)');
    }
  });

  it('runs it cannot stream are one-line errors, exit 2; a bad row is the reader\'s message', async () => {
    const dir = tmp();
    const data = csv(dir, 50);
    for (const [extra, msg] of [
      [['--model', 'seasonal-naive'], '--model seasonal-naive trains from memory; --stream does ar, rnn, lstm, gru and mlp'],
      [['--model', 'lstm', '--quantiles', '0.1,0.9'], '--stream trains a point lstm only (no --quantiles, --likelihood or --output-steps yet)'],
      [['--model', 'ar', '--difference', '1'], '--stream does not apply --log, --detrend or differences yet'],
    ] as const) {
      const r = await rnnkit('train', '--data', data, ...extra, '--stream', '--out', join(dir, 'o'), '-q');
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`rnnkit: ${msg}\n`);
    }
    const nb = await rnnkit('train', '--data', data, '--model', 'rnn', '--shuffle-buffer', '5', '--out', join(dir, 'o'), '-q');
    expect([nb.code, nb.stderr]).toEqual([2, 'rnnkit: --shuffle-buffer applies to a streamed neural run: add --stream\n']);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'date,y\n2020-01-01,1\n2020-01-02,"1"2\n');
    const r = await rnnkit('train', '--data', bad, '--model', 'ar', '--stream', '--out', join(dir, 'o'), '-q');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`rnnkit: ${bad}: row 3, column "y": text after the closing quote in "1"2 (inside quotes, write a quote as "")\n`);
  });

  const neural = { rnn: RNNForecaster, lstm: LSTMForecaster, gru: GRUForecaster, mlp: MLPForecaster };
  for (const [name, Make] of Object.entries(neural)) {
    it(`${name}: in time order (--shuffle-buffer 0) the streamed run's results equal runExperiment's with shuffle off (predictions, forecast, metrics exactly; losses to 1e-5)`, async () => {
      const dir = tmp();
      const data = csv(dir, 160);
      const opts = { seqLen: 4, hidden: 5, layers: 1, dropout: 0, epochs: 2, lr: 0.01, batchSize: 8, seed: 1 };
      const r = await rnnkit('train', '--data', data, '--model', name, '--fill', 'ffill', '--seq-len', '4', '--hidden', '5', '--epochs', '2', '--lr', '0.01', '--batch-size', '8', '--seed', '1',
        '--test', '30', '--val', '20', '--steps', '3', '--season', '7', '--stream', '--shuffle-buffer', '0', '--out', join(dir, 's'), '-q', '--json');
      expect([r.code, r.stderr]).toEqual([0, '']);
      const got = JSON.parse(readFileSync(join(dir, 's', 'results.json'), 'utf8'));
      // the same values in memory: the CSV's rows, row 7 forward-filled
      const values = readFileSync(data, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[1]!);
      const ys = values.map((v, i) => (v === '.' ? Number(values[i - 1]) : Number(v)));
      const want = runExperiment(ys, [new Make({ ...opts, shuffle: false }), new PersistenceForecaster()], { test: 30, val: 20, scaler: 'standard', forecastSteps: 3, minTrain: 5, targetName: 'y', season: 7 });
      expect(got.streamed).toBe(true);
      for (const m of [name, 'persistence']) {
        const a = want.models[m]!, b = got.models[m];
        // results.json holds 6 significant digits
        const r6 = (x: number) => Number(x.toPrecision(6));
        expect(b.predictions).toEqual(a.predictions.map(r6));
        expect(b.forecast.map((f: { value: number }) => f.value)).toEqual(a.forecast.map(r6));
        for (const k of ['mae', 'rmse', 'mase'] as const) expect(b.test[k]).toBe(r6(a.test[k]));
        expect(b.history.train.length).toBe(a.history.train.length);
        b.history.train.forEach((t: number, i: number) => expect(t).toBeCloseTo(a.history.train[i]!, 5));
        b.history.val.forEach((t: number, i: number) => expect(t).toBeCloseTo(a.history.val[i]!, 5));
      }
      expect(got.models[name].history.train.length).toBe(2);
    });
  }
});
