// CPU time per training step of the issue 11 RNN workloads, from dist/ (run `npm run build` first):
//   npx tsx bench/cpu-steps.ts medium-lstm,medium-gru [repeats=7] [steps per repeat]
// process.cpuUsage() over a fixed number of steps, min and median of the repeats: on a shared
// machine this tracks the work done far better than wall time (other processes' time is not
// counted), though contention for caches and cores still inflates it. For before/after checks;
// the benchmark proper is `npm run bench`.
import { LARGE, MEDIUM, MEDIUM_GRU, MEDIUM_LSTM, type RnnSpec, TUTORIAL } from './workloads.js';
import { makeInit, rnnkitTrainer } from './rnnkit-workloads.js';

const specs: Record<string, RnnSpec> = { tutorial: TUTORIAL, medium: MEDIUM, 'medium-lstm': MEDIUM_LSTM, 'medium-gru': MEDIUM_GRU, large: LARGE };
const [names = 'medium-lstm,medium-gru', reps = '7', stepsArg] = process.argv.slice(2);
for (const name of names.split(',')) {
  const spec = specs[name];
  if (!spec) {
    console.error(`cpu-steps: unknown workload ${name} (expects one of ${Object.keys(specs).join(', ')})`);
    process.exit(2);
  }
  const tr = rnnkitTrainer(spec, makeInit(spec, 0));
  const loss0 = tr.stepWithLoss();
  const n = Number(stepsArg ?? (name === 'tutorial' ? 4000 : name === 'large' ? 3 : 20));
  for (let i = 0; i < Math.min(n, 10); i++) tr.step();
  const per: number[] = [];
  for (let r = 0; r < Number(reps); r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) tr.step();
    const c = process.cpuUsage(c0);
    per.push((c.user + c.system) / 1000 / n);
  }
  per.sort((a, b) => a - b);
  console.log(`${name}: first loss ${loss0.toPrecision(8)}; CPU ms/step min ${per[0]!.toPrecision(4)}, median ${per[per.length >> 1]!.toPrecision(4)} (${reps} × ${n} steps)`);
}
