// `rnnkit train/forecast` with many series and known-future covariates, in process: a long-format
// CSV (--id-column), per-series and pooled metrics, per-series scalers saved by id, forecasts that
// read the future rows of --future, several --data files, one-line errors.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { maseScale } from '../../src/forecast/metrics.js';
import { Generator } from '../../src/tensor/random.js';

async function rnnkit(...args: string[]) {
  let stdout = '', stderr = '';
  const code = await runCli(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}

// three stores, 36 months each (rows interleaved by date), sales = level·(1 + 0.5·promo) + noise; 3 future months
const dir = mkdtempSync(join(tmpdir(), 'rnnkit-panel-'));
const g = new Generator(2);
const stores = { a: 10, b: 200, c: 3 } as Record<string, number>;
const rows: string[] = ['store,date,sales,promo'], future: string[] = ['store,date,promo'];
const sales: Record<string, number[]> = { a: [], b: [], c: [] };
for (let t = 0; t < 39; t++) {
  const date = `${2020 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-01`;
  for (const [id, level] of Object.entries(stores)) {
    const promo = g.random() < 0.3 ? 1 : 0;
    if (t >= 36) { future.push(`${id},${date},${promo}`); continue; }
    const v = Number((level * (1 + 0.5 * promo) + 0.05 * level * g.normal()).toFixed(3));
    sales[id]!.push(v);
    rows.push(`${id},${date},${v},${promo}`);
  }
}
const LONG = join(dir, 'long.csv'), FUT = join(dir, 'future.csv');
writeFileSync(LONG, rows.join('\n') + '\n');
writeFileSync(FUT, future.join('\n') + '\n');
const base = ['--model', 'mlp', '--seq-len', '3', '--hidden', '8', '--epochs', '5', '--test', '6', '--val', '0'];

describe('rnnkit train --id-column', () => {
  it('per-series and pooled metrics, per-series scalers saved by id, forecasts from the future rows; forecast repeats them', async () => {
    const save = join(dir, 'model');
    const r = await rnnkit('train', '--data', LONG, '--id-column', 'store', '--future-column', 'promo', '--calendar', 'month', '--future', FUT, '--steps', '3', '--save', save, '--json', ...base);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.ids).toEqual(['a', 'b', 'c']);
    expect(j.target).toBe('sales');
    expect(j.inputs).toEqual(['target', 'promo', 'month_sin', 'month_cos']);
    expect(Object.keys(j.models)).toEqual(['mlp', 'persistence', 'ar']);
    expect(Object.keys(j.models.mlp.perSeries)).toEqual(['a', 'b', 'c']);
    // persistence by hand: the previous value; pooled MASE scales each error by its own series' in-sample naive MAE
    let se = 0, ae = 0, sc = 0;
    for (const id of ['a', 'b', 'c']) {
      const y = sales[id]!, q = maseScale(y.slice(0, 30));
      for (let t = 30; t < 36; t++) { const e = y[t]! - y[t - 1]!; se += e * e; ae += Math.abs(e); sc += Math.abs(e) / q; }
    }
    expect(j.models.persistence.pooled.points).toBe(18);
    expect(j.models.persistence.pooled.rmse).toBeCloseTo(Math.sqrt(se / 18), 4);
    expect(j.models.persistence.pooled.mae).toBeCloseTo(ae / 18, 4);
    expect(j.models.persistence.pooled.mase).toBeCloseTo(sc / 18, 5);
    expect(j.forecast.b.map((f: { date: string }) => f.date)).toEqual(['2023-01-01', '2023-02-01', '2023-03-01']);
    // the saved scalers: store b's on its training span (the first 30 of 36 points; --val 0)
    const cfg = JSON.parse(readFileSync(join(save, 'config.json'), 'utf8'));
    const tb = sales.b!.slice(0, 30), mean = tb.reduce((a, b) => a + b, 0) / 30;
    expect(cfg.panel.scalers.b.target.mean).toBeCloseTo(mean, 10);
    expect(cfg.panel.scalers.b.target.std).toBeCloseTo(Math.sqrt(tb.reduce((a, v) => a + (v - mean) ** 2, 0) / 30), 10);
    expect(cfg.panel).toMatchObject({ idColumn: 'store', ids: ['a', 'b', 'c'], futureColumns: ['promo'], calendar: ['month'] });
    expect(cfg.options.futureSize).toBe(3);
    // the saved model forecasts the same numbers from the same data
    const f = await rnnkit('forecast', '--model', save, '--data', LONG, '--future', FUT, '--steps', '3', '--json');
    expect(f.stderr).toBe('');
    expect(f.code).toBe(0);
    expect(JSON.parse(f.stdout).forecast).toEqual(j.forecast);
    // human output names the series and the pooled table
    const h = await rnnkit('forecast', '--model', save, '--data', LONG, '--future', FUT, '--steps', '2');
    expect(h.stdout).toContain('global mlp forecast of sales for 3 series, 2 steps');
    expect(h.stdout).toMatch(/c\s+2023-02-01\s+[\d.]+/);
    // no future values: one line, exit 2
    const e = await rnnkit('forecast', '--model', save, '--data', LONG, '--steps', '3');
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/reads the future values of promo: give them for the 3 forecast dates in --future FILE/);
    expect(e.stderr.split('\n')).toHaveLength(2);
    const short = await rnnkit('forecast', '--model', save, '--data', LONG, '--future', FUT, '--steps', '4');
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/--future: series 'a' has 3 future rows of promo; --steps 4 needs 4/);
  }, 60_000);

  it('human output: the per-series table and the pooled one; without --future no forecast, said so', async () => {
    const r = await rnnkit('train', '--data', LONG, '--id-column', 'store', '--future-column', 'promo', ...base, '-q');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('note: no forecast past the end: the future values of promo are not given (--future FILE)');
    expect(r.stdout).toContain('3 series (by store), target sales; one global mlp reading target, promo');
    expect(r.stdout).toMatch(/pooled over all series \(18 test points/);
    expect(r.stdout).toMatch(/b\s+persistence\s+[\d.]+/);
  }, 60_000);

  it('several --data files: one series each, named by the file', async () => {
    const files = ['a', 'b'].map((id) => {
      const p = join(dir, `${id}.csv`);
      writeFileSync(p, ['date,sales', ...sales[id]!.map((v, t) => `${2020 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-01,${v}`)].join('\n') + '\n');
      return p;
    });
    const r = await rnnkit('train', '--data', files[0]!, '--data', files[1]!, '--steps', '2', '--json', ...base);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.ids).toEqual(['a', 'b']);
    expect(j.inputs).toEqual(['target']);
    expect(j.forecast.a).toHaveLength(2);
  }, 60_000);

  it('backtest --id-column: the global network refitted at the origins, persistence per series, pooled by hand', async () => {
    const r = await rnnkit('backtest', '--data', LONG, '--id-column', 'store', '--future-column', 'promo', '--calendar', 'month', '--model', 'mlp,persistence',
      '--seq-len', '3', '--hidden', '4', '--epochs', '2', '--test', '6', '--horizon', '2', '--retrain', 'never', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.ids).toEqual(['a', 'b', 'c']);
    expect(j.models.mlp.fits).toBe(1);
    // persistence from origins 30 … 34, scoring step 2: y[o+1] against y[o−1]; MASE scaled on y[0..30)
    let sc = 0, ae = 0;
    for (const id of ['a', 'b', 'c']) {
      const y = sales[id]!, q = maseScale(y.slice(0, 30));
      for (let o = 30; o <= 34; o++) { const e = Math.abs(y[o + 1]! - y[o - 1]!); ae += e; sc += e / q; }
    }
    expect(j.models.persistence.pooled.points).toBe(15);
    expect(j.models.persistence.pooled.mae).toBeCloseTo(ae / 15, 4);
    expect(j.models.persistence.pooled.mase).toBeCloseTo(sc / 15, 5);
    expect(j.models.mlp.perSeries.b.forecasts).toHaveLength(5);
    const h = await rnnkit('backtest', '--data', LONG, '--id-column', 'store', '--model', 'gru,ar', '--seq-len', '3', '--hidden', '4', '--epochs', '1', '--test', '4', '--retrain', 'never');
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('horizon 1, stride 1, retrain never: 4 origins per series, scoring the step-1 forecast from each');
    expect(h.stdout).toMatch(/pooled over all series \(12 points/);
    const bad = await rnnkit('backtest', '--data', LONG, '--id-column', 'store', '--model', 'mlp,gru');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/a backtest across series takes one of mlp, rnn, lstm, gru/);
  }, 60_000);

  for (const [what, args, msg] of [
    ['a model that is not a network', ['--model', 'ar'], /--model ar: a model across series is mlp, rnn, lstm or gru/],
    ['an unknown calendar feature', ['--calendar', 'hour'], /--calendar: unknown calendar feature 'hour' \(choose from month, quarter, weekday\)/],
    ['a missing id column', ['--id-column', 'shop'], /no id column "shop"/],
    ['a missing future column', ['--future-column', 'price'], /(no column "price"|"price")/],
    ['intervals (not yet for a global model)', ['--quantiles', '0.1,0.9'], /--quantiles is not available for a model across series yet/],
  ] as const) {
    it(`${what} is one line, exit 2`, async () => {
      const argv = ['train', '--data', LONG, '--id-column', 'store', ...base, ...args];
      const r = await rnnkit(...argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.split('\n')).toHaveLength(2);
    });
  }
});
