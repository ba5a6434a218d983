// Tab 1, time series: the bundled GS10 series or a CSV (read by the library's CSV reader in the
// worker; its one-line error is shown here), a forecaster, live losses and actual vs predicted.
import type uPlot from 'uplot';
import { COLORS, lineChart } from './charts.js';
import { download, chosenFiles } from './files.js';
import { TS_MODELS, TS_MODES, type FromWorker, type MultiStep, type TsConfig, type TsMode, type TsModel } from './protocol.js';
import { throttled, fmt, num, Runner } from './runner.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export function timeSeriesTab(): void {
  const status = $('ts-status'), error = $('ts-error'), info = $('ts-data-info'), summary = $('ts-summary'), seeds = $('ts-seeds');
  let series = { source: 'gs10' as 'gs10' | 'csv', name: '', dates: [] as string[], values: [] as number[] };
  const radio = (v: 'gs10' | 'csv') => document.querySelector<HTMLInputElement>(`input[name="ts-source"][value="${v}"]`)!;
  let loss = { epoch: [] as number[], train: [] as number[], val: [] as (number | null)[] };
  let pred: { testStart: number; predicted: number[]; multi: MultiStep } | null = null;
  const gap = $('ts-gap'), kernelsInfo = $('ts-kernels'), save = $<HTMLButtonElement>('ts-save');

  const lossChart: uPlot = lineChart($('ts-loss-chart'), {
    xLabel: 'epoch', yLabel: 'MSE (scaled)', log: true,
    lines: [{ label: 'train', stroke: COLORS.train }, { label: 'validation', stroke: COLORS.val, dash: [6, 4] }],
  });
  const predChart: uPlot = lineChart($('ts-pred-chart'), {
    xLabel: 'date', yLabel: 'value', height: 280,
    lines: [
      { label: 'actual', stroke: COLORS.actual },
      { label: 'one step ahead (fed the truth: teacher-forced)', stroke: COLORS.predicted, dash: [6, 3] },
      { label: 'recursive from the test origin (fed its own outputs: free running)', stroke: COLORS.train, dash: [2, 3] },
      { label: 'forecast past the end (recursive)', stroke: COLORS.grad },
    ],
    band: () => (pred ? [pred.testStart - 0.5, series.values.length - 0.5] : null),
    xValues: (v) => {
      const i = Math.round(v), n = series.values.length;
      return i >= n ? `+${i - n + 1}` : series.dates[i]?.slice(0, 10).replace(/^(\d{4}-\d\d)-01$/, '$1') ?? '';
    },
  });

  const drawLoss = throttled(() => lossChart.setData([loss.epoch, loss.train, loss.val.map((v) => v ?? null)] as uPlot.AlignedData));
  const drawPred = throttled(() => {
    const n = series.values.length, H = pred?.multi.future.length ?? 0;
    const col = () => new Array<number | null>(n + H).fill(null);
    const actual = col(), p = col(), roll = col(), future = col();
    series.values.forEach((v, i) => (actual[i] = v));
    if (pred) {
      const { testStart: b, multi } = pred;
      pred.predicted.forEach((v, i) => (p[b + i] = v));
      // both recursive lines start at the last observation before them, so they read as continuations
      roll[b - 1] = series.values[b - 1]!;
      multi.rollout.forEach((v, i) => (roll[b + i] = v));
      if (H > 0) future[n - 1] = series.values[n - 1]!;
      multi.future.forEach((v, i) => (future[n + i] = v));
      const g = multi.rmseRollout - multi.rmseOneStep;
      gap.textContent = `Test span: one-step (teacher-forced) RMSE ${fmt(multi.rmseOneStep)} · free-running from the origin RMSE ${fmt(multi.rmseRollout)} · exposure-bias gap ${g >= 0 ? '+' : ''}${fmt(g)}`;
      gap.dataset.oneStep = String(multi.rmseOneStep);
      gap.dataset.rollout = String(multi.rmseRollout);
      gap.dataset.future = JSON.stringify(multi.future);
      $('ts-pred-chart').setAttribute('aria-label', `Actual versus predicted chart: the series (${n} points), the one-step predictions (fed the true previous values) and the recursive free-running predictions over the ${n - b} held-out test points from the test origin, and a ${H}-step recursive forecast past the end; exposure-bias gap ${fmt(g)} (free-running RMSE minus one-step RMSE)`);
    } else gap.textContent = '';
    predChart.setData([actual.map((_, i) => i), actual, p, roll, future] as uPlot.AlignedData);
  });

  const runner = new Runner({ train: $('ts-train'), pause: $('ts-pause'), reset: $('ts-reset') }, status, error, (m: FromWorker) => {
    switch (m.type) {
      case 'series':
        series = { source: m.source, name: m.name, dates: m.dates, values: m.values };
        radio(m.source).checked = true;
        clear();
        info.textContent = `${m.name}: ${m.values.length} points, ${m.dates[0]} … ${m.dates[m.dates.length - 1]}`;
        runner.setStatus('ready · press Train');
        runner.clearError();
        drawPred();
        return;
      case 'ts-epoch':
        for (const r of m.records) {
          loss.epoch.push(r.epoch);
          loss.train.push(r.train);
          loss.val.push(r.val);
        }
        pred = { testStart: m.testStart, predicted: m.predicted, multi: m.multi };
        const r = m.records[m.records.length - 1]!;
        runner.setStatus(`epoch ${r.epoch} · loss ${fmt(r.train)}${r.val === null ? '' : ` · val ${fmt(r.val)}`}`);
        drawLoss();
        drawPred();
        return;
      case 'ts-done':
        pred = { testStart: m.testStart, predicted: m.predicted, multi: m.multi };
        summary.textContent = m.summary;
        // the final numbers, at once (the chart and the gap line redraw throttled)
        summary.dataset.oneStep = String(m.multi.rmseOneStep);
        summary.dataset.rollout = String(m.multi.rmseRollout);
        summary.dataset.future = JSON.stringify(m.multi.future);
        save.disabled = !m.saveable;
        save.title = m.saveable ? '' : 'The output-recurrent model has no CLI model kind, so it is not saved';
        if (m.loaded) {
          const set = (id: string, v: number | string | undefined) => {
            if (v !== undefined) ($(id) as HTMLInputElement).value = String(v);
          };
          set('ts-model', m.loaded.model);
          set('ts-seqlen', m.loaded.seqLen);
          set('ts-hidden', m.loaded.hidden);
          set('ts-layers', m.loaded.layers);
          set('ts-arp', m.loaded.arP);
          loss = { epoch: [], train: [], val: [] };
          drawLoss();
        }
        if (m.loaded) runner.setStatus(`loaded · ${m.summary.split(' · ').slice(1).join(' · ')}`);
        else if (m.closedForm) runner.setStatus(`fitted in closed form (no epochs) · ${m.summary.split(' · ').slice(1).join(' · ')}`);
        else runner.setStatus(`${status.textContent ?? ''} · done`);
        runner.stopped();
        drawPred();
        return;
      case 'error':
        // a refused file leaves the loaded series in place, and the radio says which it is
        radio(series.source).checked = true;
        return;
      case 'file':
        download(m.bytes, m.name);
        runner.setStatus(`saved ${m.name} (${m.bytes.length.toLocaleString('en')} bytes)`);
        return;
      case 'kernels':
        kernelsInfo.textContent = `Numeric kernels: ${m.name}`;
        kernelsInfo.dataset.simd = String(m.simd);
        return;
      case 'reset':
        clear();
        runner.setStatus('ready · press Train');
        return;
      default:
    }
  });

  function clear(): void {
    loss = { epoch: [], train: [], val: [] };
    pred = null;
    summary.textContent = '';
    for (const k of ['oneStep', 'rollout', 'future']) delete summary.dataset[k];
    save.disabled = true;
    drawLoss();
    drawPred();
  }

  function config(): TsConfig | string {
    const model = ($('ts-model') as HTMLSelectElement).value as TsModel;
    if (!TS_MODELS.includes(model)) return `unknown model ${model}`;
    const c: TsConfig = {
      model, seqLen: num('ts-seqlen'), hidden: num('ts-hidden'), layers: num('ts-layers'), epochs: num('ts-epochs'), lr: num('ts-lr'),
      batchSize: num('ts-batch'), seed: num('ts-seed'), test: num('ts-test'), val: num('ts-val'), arP: num('ts-arp'), clip: num('ts-clip'),
      horizon: num('ts-horizon'), mode: ($('ts-mode') as HTMLSelectElement).value as TsMode, lags: num('ts-lags'),
    };
    if (!TS_MODES.includes(c.mode)) return `unknown training mode ${c.mode}`;
    for (const k of ['seqLen', 'hidden', 'layers', 'epochs', 'batchSize', 'test', 'arP', 'horizon', 'lags'] as const) {
      if (!Number.isInteger(c[k]) || c[k] < 1) return `${k} must be a positive integer, got ${String(c[k])}`;
    }
    if (!Number.isInteger(c.val) || c.val < 0) return `validation points must be an integer ≥ 0, got ${c.val}`;
    if (!Number.isInteger(c.seed) || c.seed < 0) return `seed must be an integer ≥ 0, got ${c.seed}`;
    if (!(c.lr > 0)) return `learning rate must be positive, got ${c.lr}`;
    if (!(c.clip >= 0)) return `clip must be ≥ 0, got ${c.clip}`;
    return c;
  }

  $('ts-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const c = config();
    if (typeof c === 'string') return runner.showError(c);
    runner.clearError();
    clear();
    seeds.textContent = `seed ${c.seed} (weights and batch order) · split: last ${c.test} points test, ${c.val} before them validation · scaler fitted on the training span only`;
    runner.started();
    runner.setStatus(c.model === 'ar' || c.model === 'persistence' ? 'fitting …' : `epoch 0 · training ${c.model === 'output-recurrent' ? `the output-recurrent RNN (${c.mode.replace('-', ' ')})` : c.model.toUpperCase()} …`);
    runner.send({ type: 'ts-train', config: c });
  });
  save.addEventListener('click', () => runner.send({ type: 'ts-save' }));
  $('ts-open').addEventListener('change', (e) => {
    void chosenFiles(e.target as HTMLInputElement).then((files) => {
      if (files.length === 0) return;
      runner.clearError();
      runner.stopped();
      clear();
      runner.setStatus(`opening ${files.map((f) => f.name).join(' + ')} …`);
      const test = num('ts-test'), horizon = num('ts-horizon');
      runner.send({ type: 'ts-open', files, test: Number.isInteger(test) && test > 0 ? test : 12, horizon: Number.isInteger(horizon) && horizon > 0 ? horizon : 12 });
    });
  });
  $('ts-reset').addEventListener('click', () => {
    runner.stopped();
    runner.send({ type: 'reset' });
  });

  // data: the bundled series, a chosen file or a dropped one — all parsed in the worker
  const loadFile = (file: File) => {
    runner.clearError();
    void file.text().then((text) => {
      runner.stopped();
      runner.send({ type: 'ts-load', source: 'csv', text, name: file.name });
    });
  };
  $('ts-file').addEventListener('change', (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) loadFile(f);
  });
  for (const r of document.querySelectorAll<HTMLInputElement>('input[name="ts-source"]')) {
    r.addEventListener('change', () => {
      if (r.value === 'gs10' && r.checked) runner.send({ type: 'ts-load', source: 'gs10' });
      if (r.value === 'csv' && r.checked && series.source !== 'csv') $('ts-file').focus();
    });
  }
  const panel = $('panel-ts'), drop = $('ts-drop');
  panel.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  panel.addEventListener('dragleave', () => drop.classList.remove('over'));
  panel.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) loadFile(f);
  });

  runner.send({ type: 'ts-load', source: 'gs10' });
}
