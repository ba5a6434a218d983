// Peak memory of `rnnkit train --model ar` on large CSVs (issue 14): generates 1,000,000- and
// 10,000,000-row CSVs (a seeded AR(1) around 10, one row a minute) under /tmp, builds the CLI into
// a temporary folder (plain node, no tsx), runs it in a child process and reads the child's peak
// RSS (process.resourceUsage().maxRSS, printed by a preload at exit) and its CPU seconds.
//
//   npm run bench:memory                 # 1M and 10M rows
//   npm run bench:memory -- --rows 1000000 --no-build
//   npm run bench:memory -- --neural     # an RNN from the 10M-row CSV (275 MB) under a 128 MB heap
//
// --neural: `train --model rnn --stream` (1 epoch, batch 256) under `node --max-old-space-size=128`,
// and the in-memory run under the same cap, which must fail (a heap OOM): the file is larger
// than the heap the streamed run trains in.
//
// Results are recorded in bench/RESULTS.md ("Memory (issue 14)").
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const TMP = '/tmp/rnnkit-bench-memory';
const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const neural = args.includes('--neural');
const rowsList = (opt('--rows') ?? (neural ? '10000000' : '1000000,10000000')).split(',').map(Number);
const build = !args.includes('--no-build');

function generate(n: number): string {
  const file = join(TMP, `ar1-${n}.csv`);
  if (existsSync(file)) return file;
  const fd = openSync(file + '.tmp', 'w');
  let s = 'date,value\n', y = 0, seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const t0 = Date.UTC(2000, 0, 1);
  for (let i = 0; i < n; i++) {
    y = 0.8 * y + rnd() - 0.5;
    s += `${new Date(t0 + i * 60000).toISOString().slice(0, 19)},${(10 + y).toFixed(4)}\n`;
    if (s.length > 1 << 20) {
      writeSync(fd, s);
      s = '';
    }
  }
  writeSync(fd, s);
  closeSync(fd);
  spawnSync('mv', [file + '.tmp', file]);
  return file;
}

mkdirSync(TMP, { recursive: true });
const dist = join(TMP, 'dist');
if (build || !existsSync(join(dist, 'cli', 'main.js'))) {
  rmSync(dist, { recursive: true, force: true });
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', dist], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(join(dist, 'cli', 'main.js'))) throw new Error(`build failed (tsc exit ${r.status})`);
}
// the built files resolve their packages (papaparse, vega, …) through this link
if (!existsSync(join(TMP, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(TMP, 'node_modules'));
// the CLI reads its version from ../../package.json (relative to dist/cli)
copyFileSync(join(ROOT, 'package.json'), join(TMP, 'package.json'));
const preload = join(TMP, 'maxrss.cjs');
writeFileSync(preload, "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write(`MAXRSS_KB ${u.maxRSS} CPU_S ${((u.userCPUTime + u.systemCPUTime) / 1e6).toFixed(1)}\\n`); });\n");

const usage = (stderr: string) => /MAXRSS_KB (\d+) CPU_S ([\d.]+)/.exec(stderr);
if (neural) {
  const HEAP_MB = 128;
  const lines: string[] = [];
  for (const n of rowsList) {
    const file = generate(n);
    const mb = statSync(file).size / 2 ** 20;
    for (const stream of [true, false]) {
      const out = join(TMP, `out-rnn-${n}-${stream ? 's' : 'm'}`);
      rmSync(out, { recursive: true, force: true });
      const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--require', preload, join(dist, 'cli', 'main.js'), 'train', '--data', file, '--model', 'rnn', ...(stream ? ['--stream'] : []), '--epochs', '1', '--batch-size', '256', '--out', out, '--json', '-q'], { encoding: 'utf8', maxBuffer: 1 << 26 });
      const m = usage(r.stderr);
      const oom = /heap out of memory|Allocation failed/.test(r.stderr);
      if (stream && r.status !== 0) {
        console.error(r.stderr.slice(-2000));
        throw new Error(`streamed rnn on ${n} rows failed (exit ${r.status})`);
      }
      const res = r.status === 0 ? JSON.parse(r.stdout) : null;
      const outcome = res ? `trained; test RMSE ${res.models.rnn.test.rmse}, train loss ${res.models.rnn.history?.train?.[0] ?? '?'}` : `failed (exit ${r.status}${oom ? ', heap out of memory' : ''})`;
      const line = `| ${n.toLocaleString('en-US')} | ${mb.toFixed(0)} MiB | ${HEAP_MB} MB | ${stream ? 'streamed' : 'in memory'} | ${m ? `${Math.round(Number(m[1]) / 1024)} MB` : '—'} | ${m ? m[2] : '—'} | ${outcome} |`;
      console.log(line);
      lines.push(line);
    }
  }
  console.log(`\nmachine: ${cpus()[0]?.model ?? '?'} ×${cpus().length}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  console.log('| rows | file | --max-old-space-size | path | peak RSS | CPU s | outcome |\n|---:|---:|---:|---|---:|---:|---|\n' + lines.join('\n'));
  process.exit(0);
}

const rows: string[] = [];
for (const n of rowsList) {
  const file = generate(n);
  const out = join(TMP, `out-${n}`);
  rmSync(out, { recursive: true, force: true });
  const r = spawnSync(process.execPath, ['--require', preload, join(dist, 'cli', 'main.js'), 'train', '--data', file, '--model', 'ar', '--out', out, '--json', '-q'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const m = usage(r.stderr);
  if (r.status !== 0 || !m) {
    console.error(r.stderr.slice(-2000));
    throw new Error(`rnnkit train on ${n} rows failed (exit ${r.status})`);
  }
  const res = JSON.parse(r.stdout);
  const bytes = (f: string) => statSync(join(out, f)).size;
  const reportKB = Math.round((bytes('forecast.svg') + bytes('report.html') + bytes('forecast.png') + bytes('results.json')) / 1024);
  const line = `| ${n.toLocaleString('en-US')} | ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB | ${res.streamed ? 'streamed' : 'in memory'} | ${Math.round(Number(m[1]) / 1024)} MB | ${m[2]} | ${reportKB} KB | ${res.models.ar.test.rmse} |`;
  console.log(line);
  rows.push(line);
}
console.log(`\nmachine: ${cpus()[0]?.model ?? '?'} ×${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log('| rows | file | path | peak RSS | CPU s | report files | AR test RMSE |\n|---:|---:|---|---:|---:|---:|---:|\n' + rows.join('\n'));
