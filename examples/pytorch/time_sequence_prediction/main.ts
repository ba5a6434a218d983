// PyTorch's examples/time_sequence_prediction as a command: generates the sine waves
// (generate_sine_wave.py), trains the two-LSTMCell Sequence with L-BFGS and writes, after each
// step, the test waves and their predicted future as predict<i>.svg (upstream: predict<i>.pdf).
//   npx tsx examples/pytorch/time_sequence_prediction/main.ts [--steps 3] [--future 200] [--N 20 --L 100] [--out tsp-out]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { plot } from '../../../src/node.js';
import { generateSineWave } from './generate_sine_wave.js';
import { defaults, run, type StepRecord } from './train.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string' },
    future: { type: 'string' },
    out: { type: 'string' },
    N: { type: 'string' },
    L: { type: 'string' },
  },
});
const steps = values.steps === undefined ? defaults.steps : Number(values.steps);
const future = values.future === undefined ? defaults.future : Number(values.future);
const out = values.out ?? 'tsp-out';
// Upstream uses 100 waves of 1,000 points; 20 of 100 keep a step to a few seconds.
const data = generateSineWave({ N: Number(values.N ?? 20), L: Number(values.L ?? 100) });
mkdirSync(out, { recursive: true });

/** Draws the three test waves: solid over the input, dashed over the predicted future. */
async function draw(i: number, record: StepRecord, inputLength: number): Promise<void> {
  const y = record.prediction.toArray() as number[][];
  const values = y.flatMap((row, k) => row.map((v, x) => ({ x, y: v, wave: `wave ${k}`, part: x < inputLength ? 'input' : 'predicted' })));
  const svg = await plot.renderSvg({
    title: 'Predict future values for time sequences (dashed lines are predicted values)',
    width: 900, height: 300,
    data: { values },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'x', type: 'quantitative' },
      y: { field: 'y', type: 'quantitative' },
      color: { field: 'wave', type: 'nominal' },
      strokeDash: { field: 'part', type: 'nominal' },
    },
  });
  const path = join(out, `predict${i}.svg`);
  writeFileSync(path, svg);
  console.log(`wrote ${path}`);
}

await run(data, { steps, future }, { log: (line) => console.log(line), onStep: draw });
