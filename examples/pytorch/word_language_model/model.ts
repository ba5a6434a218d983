// model.py of PyTorch's examples/word_language_model (the recurrent RNNModel):
// Embedding → Dropout → LSTM / GRU / RNN (tanh or relu) → Dropout → Linear decoder, optionally
// tied to the embedding.
// Legend: T bptt length, B batch, V ntoken, E ninp (emsize), H nhid, L nlayers.
import { nn, ValueError, type Tensor } from '../../../src/node.js';

export type RNNType = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';

/** The recurrent state: (h, c) for the LSTM, h for the GRU and the RNNs; [L,B,H] each. */
export type Hidden = Tensor | nn.LSTMState;

export interface RNNModelOptions {
  dropout?: number;
  tieWeights?: boolean;
}

const RNN_NONLINEARITY: Partial<Record<string, nn.Nonlinearity>> = { RNN_TANH: 'tanh', RNN_RELU: 'relu' };

/** Container module with an encoder, a recurrent module, and a decoder. */
export class RNNModel extends nn.Module {
  readonly ntoken: number;
  readonly rnnType: RNNType;
  readonly nhid: number;
  readonly nlayers: number;
  drop: nn.Dropout;
  encoder: nn.Embedding; // weight [V,E]
  rnn: nn.LSTM | nn.GRU | nn.RNN;
  decoder: nn.Linear; // weight [V,H] (the encoder's when tied), bias [V]

  constructor(rnnType: RNNType, ntoken: number, ninp: number, nhid: number, nlayers: number, opts: RNNModelOptions = {}) {
    super();
    const dropout = opts.dropout ?? 0.5;
    this.ntoken = ntoken;
    this.drop = new nn.Dropout(dropout);
    this.encoder = new nn.Embedding(ntoken, ninp);
    if (rnnType === 'LSTM' || rnnType === 'GRU') {
      // upstream: getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
      this.rnn = new nn[rnnType](ninp, nhid, { numLayers: nlayers, dropout });
    } else {
      const nonlinearity = RNN_NONLINEARITY[rnnType];
      if (nonlinearity === undefined) {
        throw new ValueError("An invalid option for `--model` was supplied, options are ['LSTM', 'GRU', 'RNN_TANH' or 'RNN_RELU']");
      }
      this.rnn = new nn.RNN(ninp, nhid, { numLayers: nlayers, nonlinearity, dropout });
    }
    this.decoder = new nn.Linear(nhid, ntoken);

    // Optionally tie weights as in "Using the Output Embedding to Improve Language Models"
    // (Press & Wolf 2016) and "Tying Word Vectors and Word Classifiers" (Inan et al. 2016).
    if (opts.tieWeights) {
      if (nhid !== ninp) throw new ValueError('When using the tied flag, nhid must be equal to emsize');
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

  /** input [T,B] ids → log-probabilities [T·B,V] and the new hidden state (see Hidden). */
  override forward(input: Tensor, hidden: Hidden): [Tensor, Hidden] {
    const emb = this.drop.forward(this.encoder.forward(input));
    // PyTorch's self.rnn(emb, hidden) accepts either state; TypeScript picks the module's own.
    const [rnnOutput, newHidden] = this.rnn instanceof nn.LSTM
      ? this.rnn.forward(emb, hidden as nn.LSTMState)
      : this.rnn.forward(emb, hidden as Tensor);
    const output = this.drop.forward(rnnOutput);
    let decoded = this.decoder.forward(output);
    decoded = decoded.view(-1, this.ntoken);
    return [nn.functional.logSoftmax(decoded, 1), newHidden];
  }

  initHidden(bsz: number): Hidden {
    const weight = this.parameters()[0]!;
    if (this.rnnType === 'LSTM') {
      return [weight.newZeros([this.nlayers, bsz, this.nhid]), weight.newZeros([this.nlayers, bsz, this.nhid])];
    } else {
      return weight.newZeros([this.nlayers, bsz, this.nhid]);
    }
  }
}
