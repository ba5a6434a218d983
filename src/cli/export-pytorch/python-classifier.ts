// The classifier part of the generated model.py: rnnkit's SequenceClassifier
// (src/models/classifier.ts) with PyTorch's modules and names, run packed by lengths as rnnkit
// runs it, and `predict(x, lengths)` with the class names.

export const PYTHON_CLASSIFIER = String.raw`

# ---------------------------------------------------------------------------------------------
# The network. Legend: B batch, T steps (padded), F features per step, H hidden, D directions, C classes.

class SequenceClassifier(nn.Module):
    """[embedding] -> RNN/LSTM/GRU packed by lengths -> pool (last, mean, max) -> dropout -> head."""

    def __init__(self, arch):
        super().__init__()
        self.arch = arch
        e = arch["embedding"]
        self.embedding = nn.Embedding(e["numEmbeddings"], e["embeddingDim"], padding_idx=e["paddingIdx"]) if e else None
        kw = dict(num_layers=arch["numLayers"], bidirectional=arch["bidirectional"], batch_first=True,
                  dropout=arch["dropout"] if arch["numLayers"] > 1 else 0.0)
        if arch["cell"] == "rnn":
            self.rnn = nn.RNN(arch["inputSize"], arch["hiddenSize"], nonlinearity=arch["nonlinearity"], **kw)
        else:
            self.rnn = {"lstm": nn.LSTM, "gru": nn.GRU}[arch["cell"]](arch["inputSize"], arch["hiddenSize"], **kw)
        self.drop = nn.Dropout(arch["dropout"])
        self.head = nn.Linear(arch["hiddenSize"] * (2 if arch["bidirectional"] else 1), arch["numClasses"])

    def forward(self, x, lengths=None):
        """Logits [B,C] ([B,T,C] per step) for x [B,T,F] (token ids [B,T] with an embedding);
        lengths [B]: each sequence's real steps, the rest of its row being padding."""
        a = self.arch
        B, T = x.shape[0], x.shape[1]
        inp = self.embedding(x) if self.embedding is not None else x
        lens = None if lengths is None else torch.as_tensor(lengths, dtype=torch.int64).cpu()
        # all lengths T is the unpacked computation exactly, as in rnnkit
        packed = lens is not None and bool((lens != T).any())
        if packed:
            inp = nn.utils.rnn.pack_padded_sequence(inp, lens, batch_first=True, enforce_sorted=False)
        out, state = self.rnn(inp)
        h_n = state[0] if isinstance(state, tuple) else state
        if packed:
            out = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=T)[0]
        if a["perStep"]:
            features = out
        elif a["pool"] == "last":
            features = torch.cat([h_n[-2], h_n[-1]], 1) if a["bidirectional"] else h_n[-1]
        elif a["pool"] == "mean":
            features = out.sum(1) / (T if lens is None else lens.reshape(B, 1).to(out.dtype))
        elif lens is None:
            features = out.max(1)[0]
        else:
            pad = torch.arange(T).reshape(1, T, 1) >= lens.reshape(B, 1, 1)
            features = out.masked_fill(pad, float("-inf")).max(1)[0]
        return self.head(self.drop(features))


def build(folder=HERE):
    """The classifier as an nn.Module with rnnkit's weights loaded, in eval mode."""
    net = SequenceClassifier(load_config(folder)["arch"])
    net.load_state_dict(read_safetensors(os.path.join(folder, "model.safetensors")))
    return net.eval()


class Prediction:
    """classes: the predicted class names; indices: their ids [B]; probabilities: softmax [B,C]; logits [B,C]."""

    def __init__(self, logits, names):
        self.logits = logits
        self.probabilities = torch.softmax(logits, -1)
        self.indices = logits.argmax(-1)
        self.classes = [names[i] for i in self.indices.reshape(-1).tolist()]

    def __repr__(self):
        return "Prediction(classes=" + repr(self.classes) + ")"


def predict(x, lengths=None, net=None, folder=HERE):
    """Classifies a batch: x [B,T,F] features (or [B,T] token ids with an embedding), zero-padded
    after each sequence's lengths[b] real steps (lengths None: all T)."""
    config = load_config(folder)
    a = config["arch"]
    x = torch.as_tensor(x, dtype=torch.int64 if a["embedding"] else torch.float32)
    want = 2 if a["embedding"] else 3
    if x.dim() != want or (not a["embedding"] and x.shape[2] != a["inputSize"]):
        raise ValueError("predict: x has shape " + str(list(x.shape)) + " but the model expects " + ("[B,T] token ids" if a["embedding"] else "[B,T," + str(a["inputSize"]) + "]"))
    if lengths is not None:
        lengths = torch.as_tensor(lengths, dtype=torch.int64)
        if lengths.shape != (x.shape[0],) or bool((lengths < 1).any()) or bool((lengths > x.shape[1]).any()):
            raise ValueError("predict: lengths must hold one length in 1.." + str(x.shape[1]) + " per sample")
    net = net if net is not None else build(folder)
    with torch.no_grad():
        return Prediction(net(x, lengths), config["classes"])


# ---------------------------------------------------------------------------------------------
# Training data and loss for train_ddp.py: the samples rnnkit export --data wrote.

def training_data(folder=HERE):
    """(x [T,F], y, length) samples as a TensorDataset."""
    config = load_config(folder)
    if config["arch"]["perStep"]:
        raise ValueError("train_ddp.py trains many-to-one classifiers; this one names a class per step")
    if not config.get("data"):
        raise ValueError("no training data in this export; run rnnkit export again with --data FILE")
    d = os.path.join(folder, "data")
    x = read_npy(os.path.join(d, "x.npy"))
    return torch.utils.data.TensorDataset(x, read_npy(os.path.join(d, "y.npy")).long(), read_npy(os.path.join(d, "lengths.npy")).long())


def loss(net, batch, config):
    """Mean cross entropy of the class, each sequence read up to its length."""
    x, y, lengths = batch
    return torch.nn.functional.cross_entropy(net(x, lengths), y)
`;
