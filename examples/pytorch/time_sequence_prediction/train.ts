// The training part of train.py in PyTorch's examples/time_sequence_prediction: the first three
// waves are the test set, the rest the training set (input: all but the last column; target: all
// but the first); MSELoss; L-BFGS with lr 0.8, each step(closure) running up to 20 iterations;
// after each step, a prediction of the test waves `future` steps past their end.
// Legend: N waves, L length, F future steps.
import { manualSeed, nn, noGrad, optim, type Tensor } from '../../../src/node.js';
import { Sequence } from './model.js';

export interface Args {
  /** Upstream: 15. */
  steps: number;
  /** Upstream: 1000. */
  future: number;
}

export const defaults: Args = { steps: 3, future: 200 };

export interface StepRecord {
  /** The loss of every closure call of this step, in order (upstream prints each). */
  closureLosses: number[];
  testLoss: number;
  /** [3,L−1+F]: the test waves' one-step predictions, then F steps fed their own output. */
  prediction: Tensor;
}

export interface RunOptions {
  /** Initial weights instead of the seeded draw (a PyTorch state_dict loads as it is). */
  init?: nn.StateDict;
  log?: (line: string) => void;
  /** Called after each step with its record, e.g. to draw it (upstream: predict%d.pdf). */
  onStep?: (i: number, record: StepRecord, inputLength: number) => void | Promise<void>;
}

/** data [N,L] float64 → the per-step records and the trained model. */
export async function run(data: Tensor, args: Args, opts: RunOptions = {}): Promise<{ seq: Sequence; steps: StepRecord[] }> {
  const log = opts.log ?? (() => {});
  // set random seed to 0 (upstream seeds NumPy too; nothing here draws from it)
  manualSeed(0);
  // load data and make training set
  const N = data.size(0), L = data.size(1);
  const input = data.slice(0, 3, N).slice(1, 0, L - 1);
  const target = data.slice(0, 3, N).slice(1, 1, L);
  const testInput = data.slice(0, 0, 3).slice(1, 0, L - 1);
  const testTarget = data.slice(0, 0, 3).slice(1, 1, L);
  // build the model
  const seq = new Sequence().double();
  if (opts.init) seq.loadStateDict(opts.init);
  const criterion = new nn.MSELoss();
  // use LBFGS as optimizer since we can load the whole data to train
  const optimizer = new optim.LBFGS(seq.parameters(), { lr: 0.8 });
  // begin to train
  const steps: StepRecord[] = [];
  for (let i = 0; i < args.steps; i++) {
    log(`STEP:  ${i}`);
    const closureLosses: number[] = [];
    const closure = (): Tensor => {
      optimizer.zeroGrad();
      const out = seq.forward(input);
      const loss = criterion.forward(out, target);
      log(`loss: ${loss.item()}`);
      closureLosses.push(loss.item());
      loss.backward();
      return loss;
    };
    optimizer.step(closure);
    // begin to predict, no need to track gradient here
    const [prediction, testLoss] = noGrad(() => {
      const pred = seq.forward(testInput, args.future);
      const loss = criterion.forward(pred.slice(1, 0, pred.size(1) - args.future), testTarget);
      return [pred, loss.item()] as const;
    });
    log(`test loss: ${testLoss}`);
    const record = { closureLosses, testLoss, prediction };
    steps.push(record);
    await opts.onStep?.(i, record, input.size(1));
  }
  return { seq, steps };
}
