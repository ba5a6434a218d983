// exportModel's option checks (one-line errors) and that a trace leaves the model as it found it.
import { describe, expect, it } from 'vitest';
import { LSTM, Linear, Module } from '../../src/nn/index.js';
import { cumsum, randn } from '../../src/index.js';
import { exportModel } from '../../src/onnx/index.js';
import { isGradEnabled } from '../../src/autograd/grad-mode.js';
import type { Tensor } from '../../src/tensor/tensor.js';

class Net extends Module {
  rnn = new LSTM(2, 3, { batchFirst: true });
  head = new Linear(3, 2);
  bad = false;
  override forward(x: Tensor): Tensor {
    const y = this.head.forward(this.rnn.forward(x)[0]);
    return this.bad ? cumsum(y, 1) : y;
  }
}

describe('exportModel options and side effects', () => {
  it('checks the opset, names and dynamic axes in one line each', () => {
    const net = new Net();
    const x = randn([2, 3, 2]);
    expect(() => exportModel(net, [x], { opset: 13 })).toThrow(/^ONNX export: opset must be an integer from 14 to 21, got 13$/);
    expect(() => exportModel(net, [x], { dynamicAxes: { y: { 0: 'b' } } })).toThrow(/^ONNX export: dynamicAxes names 'y', which is neither an input \(input_0\) nor an output name$/);
    expect(() => exportModel(net, [randn([3, 3, 2])], { inputNames: ['x'], dynamicAxes: { x: { 0: 'batch', 1: 'seq' } } })).toThrow(/^ONNX export: dynamic axes 'batch' and 'seq' both have traced size/);
    expect(() => exportModel(net, [x], { inputNames: ['x'], dynamicAxes: { x: { 3: 'b' } } })).toThrow(/^ONNX export: dynamicAxes of 'x' names axis 3, but it has shape \[2,3,2\]$/);
    expect(() => exportModel(net, [x], { inputNames: ['x'], outputNames: ['x'] })).toThrow(/^ONNX export: output names must differ/);
    expect(() => exportModel(net, [x.relu()], {})).not.toThrow();
  });

  it('restores forward, training mode and grad mode, also when the trace fails', () => {
    const net = new Net();
    net.train();
    const owns = (m: Module) => Object.prototype.hasOwnProperty.call(m, 'forward');
    exportModel(net, [randn([2, 5, 2])]);
    expect([net.training, owns(net), owns(net.rnn), owns(net.head), isGradEnabled()]).toEqual([true, false, false, false, true]);
    net.bad = true;
    net.eval();
    expect(() => exportModel(net, [randn([2, 5, 2])])).toThrow(/^ONNX export: op 'cumsum' has no ONNX mapping, called in Net \(Net\)$/);
    expect([net.training, owns(net), owns(net.rnn), owns(net.head)]).toEqual([false, false, false, false]);
    // and an export after a failed one works
    net.bad = false;
    expect(exportModel(net, [randn([2, 5, 2])]).length).toBeGreaterThan(100);
  });
});
