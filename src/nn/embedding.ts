// A lookup table of vectors, PyTorch's nn.Embedding. Legend: V num_embeddings (vocabulary),
// E embedding_dim, [...S] the shape of the index tensor.
//   weight  [V,E] ~ N(0, 1), row paddingIdx zeroed;   forward: indices [...S] → [...S,E]
// The gather and its backward live in functional.ts (F.embedding); the padding row never
// receives a gradient, as in PyTorch.
import { alloc, type DType } from '../tensor/dtype.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { fmtShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { embedding } from './functional.js';
import { normal_ } from './init.js';
import { Module, type Parameter, builtinModule } from './module.js';
import { ValueError } from '../errors.js';

export interface EmbeddingOptions {
  /** Row whose vector is zero at init and never receives a gradient; negative counts from the end. */
  paddingIdx?: number;
  dtype?: DType;
  /** Generator for the initial weights (default: the global one). */
  generator?: Generator;
  /** Initial values [V,E] (copied) instead of the N(0,1) draw; the paddingIdx row is kept as given (PyTorch's `_weight`). */
  weight?: Tensor;
}

/** What `fromPretrained` accepts besides a [V,E] tensor: the text pipeline's `embeddingWeights()`. */
export interface PretrainedVectors {
  /** V·E values, row-major. */
  vectors: Float32Array;
  dim: number;
  /** Token of each row, kept as `embedding.vocab`. */
  vocab?: string[];
}

export interface FromPretrainedOptions {
  /** No gradient for the table (default true, as in PyTorch). */
  freeze?: boolean;
  paddingIdx?: number;
}

export class Embedding extends Module {
  static {
    builtinModule(this);
  }

  weight: Parameter; // [V,E]; assignable (a tie shares one Parameter)
  readonly paddingIdx: number | null;
  /** Token of each row when built from pretrained vectors that carry a vocabulary. */
  vocab: string[] | null = null;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    for (const [name, v] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new ValueError(`Embedding: ${name} must be a non-negative integer, got ${v}`);
    }
    this.paddingIdx = normPaddingIdx(opts.paddingIdx, numEmbeddings);
    const w = new Tensor(alloc(opts.dtype ?? opts.weight?.dtype ?? 'float32', numEmbeddings * embeddingDim), [numEmbeddings, embeddingDim]);
    if (opts.weight) {
      if (opts.weight.ndim !== 2 || opts.weight.shape[0] !== numEmbeddings || opts.weight.shape[1] !== embeddingDim) {
        throw new ValueError(`Embedding: weight has shape ${fmtShape(opts.weight.shape)} but expects ${fmtShape(w.shape)}`);
      }
      w.data.set(opts.weight.data);
    } else {
      normal_(w, 0, 1, opts.generator ?? defaultGenerator);
      if (this.paddingIdx !== null) w.data.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
    }
    this.weight = this.registerParameter('weight', w);
  }

  /**
   * A table holding the given vectors (copied), like `Embedding.from_pretrained`: frozen by
   * default, and the paddingIdx row is kept as given (PyTorch does not zero it here).
   */
  static fromPretrained(weights: Tensor | PretrainedVectors, opts: FromPretrainedOptions = {}): Embedding {
    let w: Tensor;
    if (weights instanceof Tensor) {
      if (weights.ndim !== 2) throw new ValueError(`Embedding.fromPretrained: weights have shape ${fmtShape(weights.shape)} but expects [V,E]`);
      w = weights;
    } else {
      const E = weights.dim;
      if (!Number.isInteger(E) || E < 1 || weights.vectors.length % E !== 0) {
        throw new ValueError(`Embedding.fromPretrained: ${weights.vectors.length} values do not split into rows of dim ${E}`);
      }
      const V = weights.vectors.length / E;
      if (weights.vocab && weights.vocab.length !== V) {
        throw new ValueError(`Embedding.fromPretrained: vocab has ${weights.vocab.length} tokens but there are ${V} vectors`);
      }
      w = new Tensor(weights.vectors, [V, E]);
    }
    const emb = new Embedding(w.shape[0]!, w.shape[1]!, { paddingIdx: opts.paddingIdx, weight: w });
    emb.weight.requiresGrad = !(opts.freeze ?? true);
    if (!(weights instanceof Tensor) && weights.vocab) emb.vocab = [...weights.vocab];
    return emb;
  }

  /**
   * indices: a Tensor (its shape is kept) or a flat list with an optional shape (default [n]).
   * Returns [...shape, E] in the weight's dtype.
   */
  override forward(indices: Tensor | ArrayLike<number>, shape?: readonly number[]): Tensor {
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx, shape }, 'Embedding.forward');
  }
}

function normPaddingIdx(p: number | undefined, V: number): number | null {
  if (p === undefined) return null;
  if (!Number.isInteger(p) || p < -V || p >= V) throw new ValueError(`Embedding: paddingIdx ${p} must be within [${-V}, ${V})`);
  return p < 0 ? p + V : p;
}
