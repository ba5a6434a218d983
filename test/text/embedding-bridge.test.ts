// Trained word vectors initialise an nn.Embedding: rows follow the Vocab's ids, and looking a
// word up through the layer returns exactly its trained vector.
import { describe, expect, it } from 'vitest';
import { nn } from '../../src/index.js';
import { Vocab, embeddingWeights, trainWord2Vec } from '../../src/text/index.js';

describe('word vectors → nn.Embedding', () => {
  it('fromPretrained(embeddingWeights(...)) looks words up by vocabulary id', () => {
    const sentences = Array.from({ length: 200 }, (_, i) => (i % 2 ? 'the cat sat on the mat' : 'a dog ran in the park').split(' '));
    const { vectors } = trainWord2Vec(sentences, { dim: 8, window: 2, epochs: 2, seed: 1, minCount: 1 });
    const vocab = Vocab.build(sentences);
    const w = embeddingWeights(vectors, vocab);
    const emb = nn.Embedding.fromPretrained(w);
    const ids = vocab.encode(['cat', 'park']);
    const out = emb.forward(ids);
    expect(out.shape).toEqual([2, 8]);
    expect(Array.from(out.data.subarray(0, 8))).toEqual(Array.from(vectors.vector('cat')));
    expect(Array.from(out.data.subarray(8, 16))).toEqual(Array.from(vectors.vector('park')));
    expect(emb.weight.requiresGrad).toBe(false); // freeze = true by default, as PyTorch
  });
});
