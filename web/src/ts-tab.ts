// Tab 1, time series: the bundled GS10 series or a CSV (read by the library's CSV reader in the
// worker; its one-line error is shown here), a forecaster, live losses and actual vs predicted.
import type uPlot from 'uplot';
import { COLORS, lineChart } from './charts.js';
import { TS_MODELS, type FromWorker, type TsConfig, type TsModel } from './protocol.js';
import { throttled, fmt, num, Runner } from './runner.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export function timeSeriesTab(): void {
  const status = $('ts-status'), error = $('ts-error'), info = $('ts-data-info'), summary = $('ts-summary'), seeds = $('ts-seeds');
  let series = { source: 'gs10' as 'gs10' | 'csv', name: '', dates: [] as string[], values: [] as number[] };
  const radio = (v: 'gs10' | 'csv') => document.querySelector<HTMLInputElement>(`input[name="ts-source"][value="${v}"]`)!;
  let loss = { epoch: [] as number[], train: [] as number[], val: [] as (number | null)[] };
  let pred: { testStart: number; predicted: number[] } | null = null;

  const lossChart: uPlot = lineChart($('ts-loss-chart'), {
    xLabel: 'epoch', yLabel: 'MSE (scaled)', log: true,
    lines: [{ label: 'train', stroke: COLORS.train }, { label: 'validation', stroke: COLORS.val, dash: [6, 4] }],
  });
  const predChart: uPlot = lineChart($('ts-pred-chart'), {
    xLabel: 'date', yLabel: 'value', height: 260,
    lines: [{ label: 'actual', stroke: COLORS.actual }, { label: 'predicted (one step ahead)', stroke: COLORS.predicted, dash: [6, 3] }],
    band: () => (pred ? [pred.testStart - 0.5, series.values.length - 0.5] : null),
    xValues: (v) => series.dates[Math.round(v)]?.slice(0, 10).replace(/^(\d{4}-\d\d)-01$/, '$1') ?? '',
  });

  const drawLoss = throttled(() => lossChart.setData([loss.epoch, loss.train, loss.val.map((v) => v ?? null)] as uPlot.AlignedData));
  const drawPred = throttled(() => {
    const n = series.values.length;
    const p: (number | null)[] = new Array<number | null>(n).fill(null);
    if (pred) pred.predicted.forEach((v, i) => (p[pred!.testStart + i] = v));
    predChart.setData([series.values.map((_, i) => i), series.values, p] as uPlot.AlignedData);
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
        pred = { testStart: m.testStart, predicted: m.predicted };
        const r = m.records[m.records.length - 1]!;
        runner.setStatus(`epoch ${r.epoch} · loss ${fmt(r.train)}${r.val === null ? '' : ` · val ${fmt(r.val)}`}`);
        drawLoss();
        drawPred();
        return;
      case 'ts-done':
        pred = { testStart: m.testStart, predicted: m.predicted };
        summary.textContent = m.summary;
        if (m.closedForm) runner.setStatus(`fitted in closed form (no epochs) · ${m.summary.split(' · ').slice(1).join(' · ')}`);
        else runner.setStatus(`${status.textContent ?? ''} · done`);
        runner.stopped();
        drawPred();
        return;
      case 'error':
        // a refused file leaves the loaded series in place, and the radio says which it is
        radio(series.source).checked = true;
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
    drawLoss();
    drawPred();
  }

  function config(): TsConfig | string {
    const model = ($('ts-model') as HTMLSelectElement).value as TsModel;
    if (!TS_MODELS.includes(model)) return `unknown model ${model}`;
    const c: TsConfig = {
      model, seqLen: num('ts-seqlen'), hidden: num('ts-hidden'), layers: num('ts-layers'), epochs: num('ts-epochs'), lr: num('ts-lr'),
      batchSize: num('ts-batch'), seed: num('ts-seed'), test: num('ts-test'), val: num('ts-val'), arP: num('ts-arp'), clip: num('ts-clip'),
    };
    for (const k of ['seqLen', 'hidden', 'layers', 'epochs', 'batchSize', 'test', 'arP'] as const) {
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
    runner.setStatus(c.model === 'ar' || c.model === 'persistence' ? 'fitting …' : `epoch 0 · training ${c.model.toUpperCase()} …`);
    runner.send({ type: 'ts-train', config: c });
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
