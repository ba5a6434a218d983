// The tutorial's GS10 RNN run (§5.2) from PyTorch's initial weights (loaded from a safetensors
// file PyTorch-side Python wrote) and PyTorch's batch order reproduces its losses.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { data, io, models, nn, noGrad, optim, tensor, type Tensor } from '../../src/node.js';
import { FIXTURES, expectClose, loadFixture } from '../helpers.js';

const fx = loadFixture('gs10.json');

function batch(x: Tensor, idx: number[]): Tensor {
  return x.index(0, idx);
}

describe('tutorial GS10 RNN run against PyTorch', () => {
  it('bundles the 59 GS10 values printed in the tutorial', () => {
    const s = data.gs10();
    expect(s.values).toEqual(fx.values);
    expect(s.dates).toEqual(fx.dates);
  });

  it('builds the N→N windows of the tutorial', () => {
    const { x, y } = data.windowsNtoN(data.gs10().values, 6);
    expect(x.shape).toEqual([53, 6, 1]);
    expectClose(x.data, fx.X_feature.data, 'X_feature', 0, 0);
    expectClose(y.data, fx.Y_label.data, 'Y_label', 0, 0);
  });

  it('reproduces the per-batch and per-epoch losses over 20 epochs to 1e-4 relative', () => {
    const model = new models.TutorialRNN(1, 10);
    const { tensors } = io.loadSafetensors(join(FIXTURES, 'gs10_init.safetensors'));
    model.loadStateDict(tensors); // keys rnn.weight_ih_l0 … linear.bias, as PyTorch named them
    const { x, y } = data.windowsNtoN(data.gs10().values, 6);
    const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
    const lossFn = new nn.MSELoss({ reduction: 'sum' });
    const perms = fx.permutations as number[][];
    const epochLoss: number[] = [];
    const firstEpoch: number[] = [];
    for (let e = 0; e < 20; e++) {
      const batches: number[][] = [];
      for (let i = 0; i < perms[e]!.length; i += 4) batches.push(perms[e]!.slice(i, i + 4));
      for (const b of batches) {
        opt.zeroGrad();
        const loss = lossFn.forward(model.forward(batch(x, b)).squeeze(-1), batch(y, b));
        if (e === 0) firstEpoch.push(loss.item());
        loss.backward();
        opt.step();
      }
      // the tutorial's printed figure: mean over batches of each batch's mean squared error
      epochLoss.push(noGrad(() => batches.reduce((s, b) => s + nn.functional.mseLoss(model.forward(batch(x, b)).squeeze(-1), batch(y, b)).item(), 0) / batches.length));
    }
    expectClose(firstEpoch, fx.train_loss_per_batch, 'epoch-1 batch losses', 1e-4, 0);
    expectClose(epochLoss, fx.epoch_loss, 'per-epoch loss', 1e-4, 0);
    for (const [name, p] of model.namedParameters()) expectClose(p, fx.final_state[name], `final ${name}`, 1e-4, 1e-5);
  });
});
