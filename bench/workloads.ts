// The benchmark workloads, described once so rnnkit and tfjs run the same math from the same
// numbers. Legend: B batch, T time, I input, H hidden; x [B,T,I], y [B,T,1] (batch first).
// Model: h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh), h_0 = 0;
//        ŷ_t = act(h_t) W_linᵀ + b_lin with act = relu (tutorial) or identity (medium);
//        loss = Σ or mean of (ŷ − y)²; Adam(lr, β = (0.9, 0.999), ε = 1e-8).

export type WorkloadName = 'tutorial' | 'medium' | 'matmul';
export const WORKLOADS: readonly WorkloadName[] = ['tutorial', 'medium', 'matmul'];

export interface RnnSpec {
  name: 'tutorial' | 'medium';
  B: number;
  T: number;
  I: number;
  H: number;
  /** relu between the RNN output and the head (the tutorial's model). */
  relu: boolean;
  reduction: 'sum' | 'mean';
  lr: number;
}

export const TUTORIAL: RnnSpec = { name: 'tutorial', B: 4, T: 6, I: 1, H: 10, relu: true, reduction: 'sum', lr: 0.01 };
export const MEDIUM: RnnSpec = { name: 'medium', B: 32, T: 50, I: 8, H: 128, relu: false, reduction: 'mean', lr: 1e-3 };
export const MATMUL_N = 512;

/** Initial weights (PyTorch layout and init, drawn by rnnkit) and one batch of data. */
export interface RnnInit {
  wIh: Float32Array; // [H,I]
  wHh: Float32Array; // [H,H]
  bIh: Float32Array; // [H]
  bHh: Float32Array; // [H]
  linW: Float32Array; // [1,H]
  linB: Float32Array; // [1]
  x: Float32Array; // [B,T,I]
  y: Float32Array; // [B,T,1]
}
