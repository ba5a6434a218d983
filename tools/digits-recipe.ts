// Trials of classifier recipes on the digits split (first half train, second half test).
// npx tsx tools/digits-recipe.ts cell hidden bidir pool epochs lr batch seed [dropout] [wd]
import { manualSeed } from '../src/index.js';
import { digitsSplit } from '../src/data/datasets.js';
import { SequenceClassifier } from '../src/models/classifier.js';
import { evaluateClassifier, trainClassifier } from '../src/train/classify.js';

const [cell = 'lstm', hidden = '64', bidir = '0', pool = 'last', epochs = '40', lr = '0.01', batch = '32', seed = '0', dropout = '0', wd = '0', shift = '0', sched = 'constant'] = process.argv.slice(2);
const { train, test } = digitsSplit();
manualSeed(Number(seed));
const m = new SequenceClassifier({ inputSize: 8, numClasses: 10, cell: cell as 'lstm', hiddenSize: Number(hidden), bidirectional: bidir === '1', pool: pool as 'last', dropout: Number(dropout) });
const t0 = performance.now();
const c0 = process.cpuUsage();
const r = trainClassifier(m, { train }, { epochs: Number(epochs), lr: Number(lr), batchSize: Number(batch), seed: Number(seed), weightDecay: Number(wd), optimizer: Number(wd) > 0 ? 'adamw' : 'adam', augment: { shift: Number(shift) }, lrSchedule: sched as 'cosine' });
const sec = (performance.now() - t0) / 1000;
const cu = process.cpuUsage(c0);
const cpu = (cu.user + cu.system) / 1e6;
const rep = evaluateClassifier(m, test);
console.log(JSON.stringify({ cell, hidden, bidir, pool, epochs, lr, batch, seed, dropout, wd, shift, sched, acc: rep.accuracy, macroF1: rep.macroF1, trainAcc: r.history.trainAccuracy.at(-1), sec: +sec.toFixed(1), cpu: +cpu.toFixed(1), kept: r.keptEpoch }));
