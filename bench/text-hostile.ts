// Hostile-input benchmark (issue 8): seconds for clean() and tokenize() on one line of 1 MB of
// text built to trip backtracking regexes and super-linear segmenters, and the throughput of the
// slowest step per case. Every step must be linear; the target is 1 MB cleaned and tokenized in
// under 1 s: clean's time plus each tokenizer's, per MB (UTF-8), in the 'clean+tok' column (the
// worst tokenizer mode). Each step is timed in wall-clock seconds and in the process's CPU seconds
// (process.cpuUsage: all its threads, JIT and GC included), the steadier figure on a shared
// machine; the table gives both per step (wall/cpu) and both clean+tok figures ('cpu s/MB' is
// clean's CPU seconds plus the slowest tokenizer mode's, per MB).
//   npx tsx bench/text-hostile.ts [--size CHARS] [--only name,name] [--repeat N] [--json]
// Each step runs N times (5 by default), each a first read, and the median is reported.
// Also run by `npm run bench:text` (bench/text.ts). Each input is built from a seeded generator,
// so every run reads the same text; sizes are UTF-16 code units (1,000,000 by default).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { clean, tokenize, initSegmenter, type TokenizeOptions } from '../src/text/index.js';
import { clearRunCache } from '../src/text/wink-lexer.js';
import { clearLemmaCache } from '../src/text/english.js';

export interface HostileCase {
  name: string;
  text: string;
  /** Read line by line, as the CLI reads a file (the ordinary cases). */
  lines?: boolean;
}

/** A Brown sentence as the corpus gives it ("election , ") as running prose ("election, "). */
export const prose = (l: string) => l.replace(/ ([,.;:?!)\]}%]|n't\b|'(?:s|re|ll|d|ve|m)\b)/g, '$1').replace(/([([{$]) /g, '$1').replace(/" ([^"]*?) "/g, '"$1"');

/**
 * Ordinary text, 1 MB (UTF-8) each, read line by line: English prose (the Brown news fixture as
 * running text, 0.54 MB, so its lines come round twice), Chinese (the Tang poems fixture, 4.5
 * times) and mixed lines (a Tang line then a Brown sentence).
 */
export function ordinaryCases(): HostileCase[] {
  const fixture = (f: string) => readFileSync(new URL(`../test/fixtures/text/${f}`, import.meta.url), 'utf8').split('\n').filter(Boolean);
  const brown = fixture('brown-news.txt').map(prose);
  const tang = fixture('tang.txt');
  const fill = (line: (i: number) => string) => {
    const out: string[] = [];
    for (let i = 0, bytes = 0; bytes < 1e6; i++) {
      out.push(line(i));
      bytes += Buffer.byteLength(out[out.length - 1]) + 1;
    }
    return out.join('\n');
  };
  return [
    { name: 'ordinary: English prose', text: fill((i) => brown[i % brown.length]), lines: true },
    { name: 'ordinary: Chinese (Tang)', text: fill((i) => tang[i % tang.length]), lines: true },
    { name: 'ordinary: mixed lines', text: fill((i) => tang[i % tang.length] + ' ' + brown[i % brown.length]), lines: true },
  ];
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const HAN = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科';

/** The hostile inputs, each `size` code units long (give or take one code point). */
export function hostileCases(size = 1_000_000): HostileCase[] {
  let seed = 20240806;
  const pick = (alphabet: readonly string[]) => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return alphabet[(seed >>> 8) % alphabet.length];
  };
  const random = (alphabet: readonly string[]) => {
    const parts: string[] = [];
    for (let n = 0; n < size; ) {
      const p = pick(alphabet);
      parts.push(p);
      n += p.length;
    }
    return parts.join('');
  };
  const repeat = (unit: string) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  const letters = [...LETTERS];
  const cases: [string, () => string][] = [
    ['zh, no punctuation', () => random([...HAN])],
    ['ascii letters', () => random(letters)],
    ['digits', () => random([...'0123456789'])],
    ['one word, 1 MB', () => repeat('x')],
    ["'a.' repeated", () => repeat('a.')],
    ["'a@' repeated", () => repeat('a@')],
    ["'a@b.c' repeated", () => repeat('a@b.c')],
    ["'a@' + 'b.' labels", () => 'a@' + repeat('b.').slice(2)],
    ["'<' only", () => repeat('<')],
    ["'<a' repeated", () => repeat('<a')],
    ["'<script>' repeated", () => repeat('<script>')],
    ["'<style a' repeated", () => repeat('<style a')],
    ["'<!--' repeated", () => repeat('<!--')],
    ["'&a' repeated", () => repeat('&a')],
    ["'http://' repeated", () => repeat('http://')],
    ["'http://a' + letters", () => 'http://a' + random(letters).slice(8)],
    ["'www.' repeated", () => repeat('www.')],
    ["'//a-' repeated", () => repeat('//a-')],
    ['emoji sequences', () => random(['👨‍👩‍👧‍👦', '🇨🇳', '1️⃣', '👍🏽', '❤️', '😀', '\u200d'])],
    ['combining marks, mixed classes', () => 'a' + random(['\u0301', '\u0316', '\u0327', '\u0345', '\u05b0'])],
    ['zalgo', () => random([...LETTERS.slice(0, 5), '\u0301', '\u0316', '\u0327', '\u0489', '\u036f'])],
    ['whitespace only', () => random([' ', '\t', '\n', '\u3000', '\u00a0', '\u2003'])],
    ['punctuation only', () => random([...'!?.,;:\'"()[]{}…—-/\\*&^%$#@~`'])],
    ["'-' run", () => repeat('-')],
    ["'_' run", () => repeat('_')],
    ['mixed scripts, no spaces', () => random([...'abcXYZ012', '中', '文', 'д', 'ж', 'ب', 'ש', 'ก', 'ä', '한', 'ア', '.', '-', "'"])],
    ['minified JSON', () => repeat('{"key":"value","n":[1,2.5,-3],"ok":true},')],
    ['many short lines', () => random(['ab cd\n', 'the cat sat.\n', 'x\n', '中文\n', 'don\'t\n'])],
  ];
  return cases.map(([name, make]) => ({ name, text: make() }));
}

type Step = [label: string, run: (text: string) => unknown];
const tok = (o: TokenizeOptions): Step[1] => (t) => tokenize(t, o);
export const STEPS: Step[] = [
  ['clean', (t) => clean(t)],
  ['en', tok({ lang: 'en' })],
  ['en lemma', tok({ lang: 'en', lemma: true })],
  ['zh jieba', tok({ lang: 'zh' })],
  ['zh intl', tok({ lang: 'zh', segmenter: 'intl' })],
  ['auto', tok({ lang: 'auto' })],
  ['char', tok({ mode: 'char' })],
];

export interface HostileResult {
  name: string;
  megabytes: number;
  seconds: Record<string, number>;
  cpuSeconds: Record<string, number>;
  /** clean's seconds plus the slowest tokenizer mode's, per MB. */
  cleanTokPerMB: number;
  /** The same in CPU seconds. */
  cleanTokCpuPerMB: number;
  worstStep: string;
  worstMBps: number;
}

/** Time every step on every case once; print a table unless `json`. */
export async function runHostile(options: { size?: number; only?: string[]; json?: boolean; repeat?: number } = {}): Promise<HostileResult[]> {
  await initSegmenter();
  for (const [, run] of STEPS) run('warm up: the models load here, 中文分词. http://example.com a@b.com'); // model loads, JIT
  const log = (s: string) => { if (!options.json) console.log(s); };
  const results: HostileResult[] = [];
  log(`\nHostile inputs, one line each, seconds per step (${(options.size ?? 1_000_000).toLocaleString('en-US')} UTF-16 code units); then ordinary text, 1 MB read line by line`);
  log(`${'case'.padEnd(32)}${STEPS.map(([l]) => l.padStart(11)).join('')}  clean+tok s/MB  cpu s/MB   worst MB/s`);
  log(`${''.padEnd(32)}${STEPS.map(() => 'wall/cpu'.padStart(11)).join('')}`);
  for (const c of [...hostileCases(options.size), ...ordinaryCases()]) {
    if (options.only && !options.only.some((o) => c.name.includes(o))) continue;
    const lines = c.lines ? c.text.split('\n') : [c.text];
    const megabytes = new TextEncoder().encode(c.text).length / 1e6;
    const seconds: Record<string, number> = {};
    const cpuSeconds: Record<string, number> = {};
    const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)];
    for (const [label, run] of STEPS) {
      const wall: number[] = [];
      const cpu: number[] = [];
      for (let r = 0; r < (options.repeat ?? 5); r++) {
        // A first read each time: the English tokenizer's caches of runs and lemmas start empty
        // (wink-nlp's own lexicon, used for lemmas, cannot be emptied).
        clearRunCache();
        clearLemmaCache();
        const t0 = performance.now();
        const u0 = process.cpuUsage();
        for (const line of lines) run(line);
        const u = process.cpuUsage(u0);
        wall.push((performance.now() - t0) / 1000);
        cpu.push((u.user + u.system) / 1e6);
      }
      seconds[label] = median(wall);
      cpuSeconds[label] = median(cpu);
    }
    const worstStep = Object.keys(seconds).reduce((a, b) => (seconds[b] > seconds[a] ? b : a));
    const perMB = (s: Record<string, number>) => (s.clean + Math.max(...STEPS.filter(([l]) => l !== 'clean').map(([l]) => s[l]))) / megabytes;
    const cleanTokPerMB = perMB(seconds);
    const cleanTokCpuPerMB = perMB(cpuSeconds);
    const r = { name: c.name, megabytes, seconds, cpuSeconds, cleanTokPerMB, cleanTokCpuPerMB, worstStep, worstMBps: megabytes / seconds[worstStep] };
    results.push(r);
    const cell = (l: string) => `${seconds[l].toFixed(2)}/${cpuSeconds[l].toFixed(2)}`.padStart(11);
    log(`${c.name.padEnd(32)}${STEPS.map(([l]) => cell(l)).join('')}  ${cleanTokPerMB.toFixed(2).padStart(14)}  ${cleanTokCpuPerMB.toFixed(2).padStart(8)}   ${r.worstMBps.toFixed(2).padStart(6)} (${worstStep}, ${megabytes.toFixed(2)} MB)`);
  }
  const worst = results.reduce((a, b) => (b.seconds[b.worstStep] > a.seconds[a.worstStep] ? b : a), results[0]);
  if (worst) log(`worst: ${worst.name}, ${worst.worstStep}: ${worst.seconds[worst.worstStep].toFixed(2)} s (${worst.worstMBps.toFixed(2)} MB/s)`);
  const worstCpu = results.reduce((a, b) => (b.cleanTokCpuPerMB > a.cleanTokCpuPerMB ? b : a), results[0]);
  if (worstCpu) log(`worst clean+tok in CPU seconds: ${worstCpu.name}: ${worstCpu.cleanTokCpuPerMB.toFixed(2)} CPU s/MB (wall ${worstCpu.cleanTokPerMB.toFixed(2)} s/MB)`);
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const arg = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
  const res = await runHostile({ size: arg('--size') ? Number(arg('--size')) : undefined, only: arg('--only')?.split(','), json: args.includes('--json'), repeat: arg('--repeat') ? Number(arg('--repeat')) : undefined });
  if (args.includes('--json')) console.log(JSON.stringify(res));
}
