// The language-model part of the generated model.py: rnnkit's RNNLM with PyTorch's modules and
// names, the char/word tokenizer of src/text/lm-tokenize.ts, rnnkit's random generator
// (xoshiro128** seeded through splitmix32, src/tensor/random.ts) and sampler
// (src/models/generate.ts), so `generate` with the same seed draws the same numbers as
// `rnnkit lm generate`; temperature 0 is argmax, token for token.

export const PYTHON_LM = String.raw`

# ---------------------------------------------------------------------------------------------
# The network. Legend: B batch, T time, V vocabulary, E embedding (0: one-hot input), H hidden.

class RNNLM(nn.Module):
    """ids [B,T] -> logits [B,T,V] and the state after step T (rnnkit's RNNLM)."""

    def __init__(self, cell, vocab_size, embed_dim, hidden_size, num_layers, dropout):
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(vocab_size, embed_dim) if embed_dim > 0 else None
        rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = rnn(embed_dim if embed_dim > 0 else vocab_size, hidden_size, num_layers, batch_first=True, dropout=dropout)
        self.linear = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids, state=None):
        if self.embedding is not None:
            x = self.embedding(ids)
        else:
            x = torch.nn.functional.one_hot(ids, self.vocab_size).to(self.linear.weight.dtype)
        output, state = self.rnn(x, state)
        return self.linear(output), state


def build(folder=HERE):
    """The language model as an nn.Module with rnnkit's weights loaded, in eval mode."""
    m = load_config(folder)["model"]
    net = RNNLM(m["cell"], m["vocabSize"], m["embedDim"], m["hiddenSize"], m["numLayers"], m["dropout"])
    net.load_state_dict(read_safetensors(os.path.join(folder, "model.safetensors")))
    return net.eval()


# ---------------------------------------------------------------------------------------------
# Text <-> tokens, as rnnkit's lmTokenize / lmDetokenize.

# JavaScript's \s (what rnnkit collapses and trims), which differs a little from Python's
_JS_SPACE = "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_SPACES = re.compile("[" + _JS_SPACE + "]+")


def tokenize(text, tokenizer):
    """Text -> tokens. Each line has its whitespace runs collapsed to one space and trimmed; blank
    lines are skipped; a line break after a non-blank line is the token '\n'. Char level: every code
    point is a token. Word level: rnnkit splits words with wink-nlp (English) or jieba (Chinese),
    which this file does not have: a string is split at spaces here, so pass the list of tokens
    that rnnkit's tokenizer gives when the text has punctuation."""
    out = []
    lines = re.split(r"\r?\n", text)
    open_line = False
    for i, raw in enumerate(lines):
        line = _JS_SPACES.sub(" ", raw).strip(_JS_SPACE)
        if tokenizer["lowercase"]:
            line = line.lower()
        if line != "":
            out.extend(list(line) if tokenizer["level"] == "char" else line.split(" "))
            open_line = True
        if i < len(lines) - 1 and open_line:
            out.append("\n")
            open_line = False
    return out


def detokenize(tokens, tokenizer):
    """Tokens -> text: chars and Chinese words are concatenated; English words joined by spaces."""
    if tokenizer["level"] == "char" or tokenizer["lang"] == "zh":
        return "".join(tokens)
    s = ""
    for tok in tokens:
        s += tok if (tok == "\n" or s == "" or s.endswith("\n")) else " " + tok
    return s


# ---------------------------------------------------------------------------------------------
# rnnkit's random generator and sampler, so the same seed draws the same tokens.

_M32 = 0xFFFFFFFF


def _rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & _M32


class Generator:
    """xoshiro128** seeded through splitmix32; random() has 53 bits, as rnnkit's Generator."""

    def __init__(self, seed=0):
        x = ((math.floor(seed) & _M32) ^ (math.floor(seed / 0x100000000) & _M32)) & _M32
        state = []
        for _ in range(4):
            x = (x + 0x9E3779B9) & _M32
            z = x
            z = ((z ^ (z >> 16)) * 0x85EBCA6B) & _M32
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & _M32
            state.append((z ^ (z >> 16)) & _M32)
        self.s = state

    def next_uint32(self):
        s = self.s
        r = (_rotl((s[1] * 5) & _M32, 7) * 9) & _M32
        t = (s[1] << 9) & _M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 11)
        return r

    def random(self):
        hi = self.next_uint32() >> 5
        lo = self.next_uint32() >> 6
        return (hi * 67108864 + lo) / 9007199254740992


def _argmax(v):
    best = 0
    for i in range(1, len(v)):
        if v[i] > v[best]:
            best = i
    return best


def sample_next(logits, temperature, top_k, generator):
    """rnnkit's sampleNext: top k, then softmax(logits / temperature) and one uniform draw; argmax
    when temperature is 0 or k is 1 (nothing drawn)."""
    if temperature == 0 or top_k == 1:
        return _argmax(logits)
    ids = list(range(len(logits)))
    if top_k is not None and top_k < len(logits):
        ids = sorted(ids, key=lambda i: (-logits[i], i))[:top_k]
    top = max(logits[i] for i in ids)
    w = [math.exp((logits[i] - top) / temperature) for i in ids]
    total = 0.0
    for x in w:
        total += x
    u = generator.random() * total
    acc = 0.0
    for k, i in enumerate(ids):
        acc += w[k]
        if u < acc:
            return i
    return ids[-1]  # u within rounding of the total


class Generation:
    """text: prefix and continuation, detokenized; tokens: the generated tokens; ids: their ids."""

    def __init__(self, text, tokens, ids, prefix_tokens):
        self.text, self.tokens, self.ids, self.prefix_tokens = text, tokens, ids, prefix_tokens

    def __repr__(self):
        return "Generation(text=" + repr(self.text) + ")"


def generate(prefix, n, temperature=1.0, seed=0, top_k=None, greedy=False, net=None, folder=HERE):
    """Continues prefix (text, or a list of tokens) by n tokens, as rnnkit lm generate does: the
    prefix warms the state up, then each sampled token is fed back. temperature 0 or greedy=True
    is argmax; otherwise seed gives rnnkit's draws."""
    config = load_config(folder)
    tokenizer, vocab = config["tokenizer"], config["vocab"]
    index = {t: i for i, t in enumerate(vocab)}
    toks = list(prefix) if isinstance(prefix, (list, tuple)) else tokenize(prefix, tokenizer)
    if not toks:
        raise ValueError("generate: the prefix is empty; give at least one character or word")
    unknown = [t for t in dict.fromkeys(toks) if t not in index]
    if unknown:
        raise ValueError("generate: the prefix has tokens not in the model's vocabulary of " + str(len(vocab)) + ": " + ", ".join(repr(t) for t in unknown[:10]))
    if temperature < 0 or not math.isfinite(temperature):
        raise ValueError("generate: temperature must be a finite number >= 0, got " + repr(temperature))
    net = net if net is not None else build(folder)
    ids = [index[t] for t in toks]
    gen = Generator(seed)
    out = []
    with torch.no_grad():
        state = None
        if len(ids) > 1:
            _, state = net(torch.tensor([ids[:-1]]), state)
        last = ids[-1]
        for _ in range(n):
            logits, state = net(torch.tensor([[last]]), state)
            last = sample_next(logits[0, -1].tolist(), 0 if greedy else temperature, top_k, gen)
            out.append(last)
    tokens = [vocab[i] for i in out]
    return Generation(detokenize(toks + tokens, tokenizer), tokens, out, toks)


# ---------------------------------------------------------------------------------------------
# Training data and loss for train_ddp.py: the corpus as token ids, cut into sequences.

def training_data(folder=HERE, seq_len=None):
    """(input, target) pairs of seq_len tokens, the target shifted by one (default: the training's --seq-len)."""
    config = load_config(folder)
    if not config.get("data"):
        raise ValueError("no training data in this export; run rnnkit export again with --data FILE")
    ids = read_npy(os.path.join(folder, "data", "ids.npy")).long()
    T = seq_len or int(config.get("training", {}).get("seqLen") or 35)
    n = (len(ids) - 1) // T
    if n < 1:
        raise ValueError("the corpus has " + str(len(ids)) + " tokens, too few for sequences of " + str(T))
    x = ids[:n * T].reshape(n, T)
    y = ids[1:n * T + 1].reshape(n, T)
    return torch.utils.data.TensorDataset(x, y)


def loss(net, batch, config):
    """Mean cross entropy of the next token, from a zero state for every sequence."""
    x, y = batch
    logits, _ = net(x)
    return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
`;
