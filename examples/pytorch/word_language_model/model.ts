// model.py of PyTorch's examples/word_language_model (the recurrent RNNModel, LSTM path):
// Embedding → Dropout → LSTM → Dropout → Linear decoder, optionally tied to the embedding.
// Legend: T bptt length, B batch, V ntoken, E ninp (emsize), H nhid, L nlayers.
import { nn, type Tensor } from '../../../src/node.js';

export interface RNNModelOptions {
  dropout?: number;
  tieWeights?: boolean;
}

/** Container module with an encoder, a recurrent module, and a decoder. */
export class RNNModel extends nn.Module {
  readonly ntoken: number;
  readonly rnnType: 'LSTM';
  readonly nhid: number;
  readonly nlayers: number;
  drop: nn.Dropout;
  encoder: nn.Embedding; // weight [V,E]
  rnn: nn.LSTM;
  decoder: nn.Linear; // weight [V,H] (the encoder's when tied), bias [V]

  constructor(rnnType: 'LSTM', ntoken: number, ninp: number, nhid: number, nlayers: number, opts: RNNModelOptions = {}) {
    super();
    const dropout = opts.dropout ?? 0.5;
    // Upstream also builds GRU and RNN_TANH/RNN_RELU; this port keeps the LSTM (its default).
    if (rnnType !== 'LSTM') throw new Error(`RNNModel: rnnType '${rnnType}' is not ported; use 'LSTM'`);
    this.ntoken = ntoken;
    this.drop = new nn.Dropout(dropout);
    this.encoder = new nn.Embedding(ntoken, ninp);
    this.rnn = new nn.LSTM(ninp, nhid, { numLayers: nlayers, dropout });
    this.decoder = new nn.Linear(nhid, ntoken);

    // Optionally tie weights as in "Using the Output Embedding to Improve Language Models"
    // (Press & Wolf 2016) and "Tying Word Vectors and Word Classifiers" (Inan et al. 2016).
    if (opts.tieWeights) {
      if (nhid !== ninp) throw new Error('When using the tied flag, nhid must be equal to emsize');
      this.decoder.weight = this.encoder.weight;
    }

    this.initWeights();

    this.rnnType = rnnType;
    this.nhid = nhid;
    this.nlayers = nlayers;
  }

  initWeights(): void {
    const initrange = 0.1;
    nn.init.uniform_(this.encoder.weight, -initrange, initrange);
    nn.init.zeros_(this.decoder.bias!);
    nn.init.uniform_(this.decoder.weight, -initrange, initrange);
  }

  /** input [T,B] ids → log-probabilities [T·B,V] and the new (h, c), [L,B,H] each. */
  override forward(input: Tensor, hidden: nn.LSTMState): [Tensor, nn.LSTMState] {
    const emb = this.drop.forward(this.encoder.forward(input));
    const [rnnOutput, newHidden] = this.rnn.forward(emb, hidden);
    const output = this.drop.forward(rnnOutput);
    let decoded = this.decoder.forward(output);
    decoded = decoded.view(-1, this.ntoken);
    return [nn.functional.logSoftmax(decoded, 1), newHidden];
  }

  initHidden(bsz: number): nn.LSTMState {
    const weight = this.parameters()[0]!;
    return [weight.newZeros([this.nlayers, bsz, this.nhid]), weight.newZeros([this.nlayers, bsz, this.nhid])];
  }
}
