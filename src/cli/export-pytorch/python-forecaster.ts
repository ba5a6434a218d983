// The forecaster part of the generated model.py: the network (rnnkit's RecurrentNet or MLP with
// PyTorch's modules and names), the scalers and target transforms of src/data/scaler.ts and
// src/forecast/transforms.ts, and `forecast(values, steps)`, which repeats `rnnkit forecast` step by
// step: transforms and scalers in float64, the network in float32, recursive or direct (H per pass).
// AR and the baselines are plain Python (float64, as rnnkit computes them).

export const PYTHON_FORECASTER = String.raw`

# ---------------------------------------------------------------------------------------------
# The network. Legend: L seqLen, C input columns, H outputSteps, K values per step.

class RecurrentNet(nn.Module):
    """linear(relu(rnn(x))) at every step: x [B,L,C] -> [B,L,O] (rnnkit's RecurrentNet)."""

    def __init__(self, cell, input_size, hidden_size, num_layers, dropout, output_size):
        super().__init__()
        rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = rnn(input_size, hidden_size, num_layers, batch_first=True, dropout=dropout)
        self.linear = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        output, _ = self.rnn(x)
        return self.linear(torch.relu(output))


def _network(config):
    o = config["options"]
    if config["model"] == "mlp":
        # Linear(L*C, h) -> ReLU -> Linear(h, O): parameter names 0.weight ... 2.bias
        return nn.Sequential(nn.Linear(o["seqLen"] * o["inputSize"], o["hidden"]), nn.ReLU(), nn.Linear(o["hidden"], o["outputSize"]))
    return RecurrentNet(config["model"], o["inputSize"], o["hidden"], o["layers"], o["dropout"], o["outputSize"])


class ARModule(nn.Module):
    """The AR model as a float64 linear map of the last p values (oldest first) to the next one."""

    def __init__(self, p, intercept, coef):
        super().__init__()
        self.linear = nn.Linear(p, 1).double()
        with torch.no_grad():
            self.linear.weight.copy_(torch.tensor([list(reversed(coef))], dtype=torch.float64))
            self.linear.bias.fill_(intercept)

    def forward(self, window):
        return self.linear(window)


def build(folder=HERE):
    """The model as an nn.Module with rnnkit's weights loaded, in eval mode (None for the
    persistence, seasonal-naive and drift baselines, which have no parameters)."""
    config = load_config(folder)
    if config["model"] == "ar":
        o = config["options"]
        return ARModule(o["p"], o["intercept"], o["coef"]).eval()
    if config["model"] not in ("mlp", "rnn", "lstm", "gru"):
        return None
    net = _network(config)
    net.load_state_dict(read_safetensors(os.path.join(folder, "model.safetensors")))
    return net.eval()


# ---------------------------------------------------------------------------------------------
# Scalers and target transforms (float64), fitted by rnnkit on the training span.

def _scale(s, values):
    if s["kind"] == "standard":
        scale = s["std"] if s["std"] != 0 else 1
        return [(x - s["mean"]) / scale for x in values]
    if s["kind"] == "minmax":
        span = (s["max"] - s["min"]) or 1
        return [(x - s["min"]) / span for x in values]
    return list(values)


def _unscale(s, values):
    if s["kind"] == "standard":
        scale = s["std"] if s["std"] != 0 else 1
        return [z * scale + s["mean"] for z in values]
    if s["kind"] == "minmax":
        span = (s["max"] - s["min"]) or 1
        return [z * span + s["min"] for z in values]
    return list(values)


def _lost(t):
    """Points a stage drops at the front: d (difference), m (seasonal difference), else 0."""
    return t.get("d", t.get("m", 0)) if t["kind"] in ("difference", "seasonalDifference") else 0


def _lag_coefficients(t):
    """c_k, k = 1..lost, with u_t = v_t + sum_k c_k u_(t-k) (binomial weights of the d-th difference)."""
    if t["kind"] == "seasonalDifference":
        return [1 if k == t["m"] - 1 else 0 for k in range(t["m"])]
    c, binom = [], 1
    for k in range(1, t["d"] + 1):
        binom = (binom * (t["d"] - k + 1)) / k
        c.append(-((-1) ** k) * binom)
    return c


def _forward(t, u):
    """One stage: its input u -> its output, lost(t) points shorter."""
    if t["kind"] == "log":
        for i, y in enumerate(u):
            if not y > 0:
                raise ValueError("log transform: value " + repr(y) + " at row " + str(i) + " is not positive")
        return [math.log(y) for y in u]
    if t["kind"] == "detrend":
        return [y - (t["intercept"] + t["slope"] * i) for i, y in enumerate(u)]
    if t["kind"] == "seasonalDifference":
        m = t["m"]
        return [u[i + m] - u[i] for i in range(len(u) - m)]
    x = list(u)
    for _ in range(t["d"]):  # repeated first differences, as rnnkit (and numpy.diff) compute them
        x = [x[i + 1] - x[i] for i in range(len(x) - 1)]
    return x


def _invert_recursive(t, vhat, history):
    """Inverts a stage's forecast of the steps after history (that stage's input so far)."""
    if t["kind"] == "log":
        return [math.exp(v) for v in vhat]
    if t["kind"] == "detrend":
        n = len(history)
        return [v + (t["intercept"] + t["slope"] * (n + i)) for i, v in enumerate(vhat)]
    c = _lag_coefficients(t)
    u = list(history)
    for v in vhat:
        s = 0
        for k in range(1, len(c) + 1):
            if c[k - 1] != 0:
                s += c[k - 1] * u[len(u) - k]
        u.append(v + s)
    return u[len(history):]


def _invert_forecast(transforms, vhat, history):
    stages = [list(history)]
    for t in transforms:
        stages.append(_forward(t, stages[-1]))
    v = list(vhat)
    for i in range(len(transforms) - 1, -1, -1):
        v = _invert_recursive(transforms[i], v, stages[i])
    return v


# ---------------------------------------------------------------------------------------------
# Forecasting on the model's axis (transformed, scaled), then back to the data's.

def _point(config, p, h):
    """The point forecast of step h from one forward pass's H*K outputs p."""
    o = config["options"]
    K = o["perStep"]
    base = h * K
    if o["head"] != "quantile":
        return p[base]  # a point value, or the Gaussian head's mean
    q = sorted(p[base:base + K])
    levels = o["quantiles"]
    return q[levels.index(0.5)] if 0.5 in levels else sum(q) / len(q)


def _window(config, cols):
    """The last L values of every column as the network's input: [1,L,C] (recurrent) or [1,L*C] (MLP, time-major)."""
    o = config["options"]
    L = o["seqLen"]
    rows = [[c[len(c) - L + j] for c in cols] for j in range(L)]
    x = torch.tensor([rows], dtype=torch.float32)
    return x.reshape(1, L * len(cols)) if config["model"] == "mlp" else x


def _last_step(config, out):
    return out[0] if config["model"] == "mlp" else out[0, -1]


def _neural_forecast(config, net, cols, steps):
    o = config["options"]
    s = [list(c) for c in cols]
    out = []
    with torch.no_grad():
        if o["outputSteps"] == 1 and o["head"] == "point":
            # recursive: every predicted column is fed back, so the next window is complete
            for _ in range(steps):
                p = _last_step(config, net(_window(config, s))).tolist()
                out.append(p[0])
                for c in range(len(s)):
                    s[c].append(p[c])
            return out
        # blocks of H values per forward pass, each block's point forecasts fed back
        H = o["outputSteps"]
        for k in range(0, steps, H):
            p = _last_step(config, net(_window(config, s))).tolist()
            for h in range(H):
                if k + h < steps:
                    out.append(_point(config, p, h))
            s[0].extend(out[k:])
    return out


def _closed_form_forecast(config, z, steps):
    o = config["options"]
    name = config["model"]
    if name == "ar":
        buf = list(z[len(z) - o["p"]:])
        out = []
        for _ in range(steps):
            y = o["intercept"]
            for i in range(1, o["p"] + 1):
                y += o["coef"][i - 1] * buf[len(buf) - i]
            out.append(y)
            buf.append(y)
        return out
    if name == "persistence":
        return [z[-1]] * steps
    if name == "seasonal-naive":
        m, T = o["m"], len(z)
        return [z[T + i - m * (i // m + 1)] for i in range(steps)]
    if name == "drift":
        T = len(z)
        last, slope = z[T - 1], (z[T - 1] - z[0]) / (T - 1)
        return [last + (i + 1) * slope for i in range(steps)]
    raise ValueError("unknown forecaster " + repr(name))


def forecast(values, steps, net=None, folder=HERE):
    """The forecast of the target for the steps after values, as rnnkit forecast computes it.

    values: the target's observed values, oldest first (a list of numbers), or for a model that
    reads several columns a dict {column name: values} with every column of config["inputs"].
    Missing values must be filled first (rnnkit forecast repeats the training's --fill; this does not).
    net: the module from build() (built here when None). Returns a list of floats.
    """
    config = load_config(folder)
    inputs = config["inputs"]
    if isinstance(values, dict):
        missing = [c for c in inputs if c not in values]
        if missing:
            raise ValueError("forecast: values lacks the column(s) " + ", ".join(missing) + "; the model reads " + ", ".join(inputs))
        cols = [[float(v) for v in values[c]] for c in inputs]
    else:
        if len(inputs) > 1:
            raise ValueError("forecast: the model reads " + str(len(inputs)) + " columns (" + ", ".join(inputs) + "); pass a dict of them")
        cols = [[float(v) for v in values]]
    target = cols[0]
    if any(len(c) != len(target) for c in cols):
        raise ValueError("forecast: the columns have different lengths " + str([len(c) for c in cols]))
    if any(not math.isfinite(v) for c in cols for v in c):
        raise ValueError("forecast: the values hold NaN or infinite entries; fill them first")
    transforms = config["transforms"]
    lost = sum(_lost(t) for t in transforms)
    if len(target) <= lost:
        raise ValueError("forecast: " + str(len(target)) + " values, but the model's transforms need more than " + str(lost))
    # the transforms apply to the target; the other columns lose the same first points
    v = target
    for t in transforms:
        v = _forward(t, v)
    cols = [v] + [c[lost:] for c in cols[1:]]
    z = [_scale(s, c) for s, c in zip(config["scalers"], cols)]
    need = config["options"].get("seqLen", config["options"].get("p", 1))
    if len(z[0]) < need:
        raise ValueError("forecast: needs at least " + str(need) + " values after the transforms, got " + str(len(z[0])))
    if config["model"] in ("mlp", "rnn", "lstm", "gru"):
        zf = _neural_forecast(config, net if net is not None else build(folder), z, steps)
    else:
        zf = _closed_form_forecast(config, z[0], steps)
    pred = _invert_forecast(transforms, _unscale(config["scalers"][0], zf), target)
    bad = [i for i, p in enumerate(pred) if not math.isfinite(p)]
    if bad:
        raise ValueError("forecast: the forecast is not finite at step " + str(bad[0] + 1))
    return pred


# ---------------------------------------------------------------------------------------------
# Training data and loss for train_ddp.py (the windows rnnkit export --data wrote).

def training_data(folder=HERE):
    """The exported windows as a TensorDataset of (x, y) on the model's axis."""
    config = load_config(folder)
    if config["model"] not in ("mlp", "rnn", "lstm", "gru"):
        raise ValueError("a " + config["model"] + " model has no weights to train; refit it with rnnkit train")
    if not config.get("data"):
        raise ValueError("no training data in this export; run rnnkit export again with --data FILE")
    d = os.path.join(folder, "data")
    return torch.utils.data.TensorDataset(read_npy(os.path.join(d, "x.npy")), read_npy(os.path.join(d, "y.npy")))


def loss(net, batch, config):
    """The objective rnnkit trained with, averaged: MSE (point head), pinball (quantile) or Gaussian NLL."""
    x, y = batch
    o = config["options"]
    out = net(x)
    if not o["everyStep"]:
        out = _last_step_batch(config, out)
    K = o["perStep"]
    if o["head"] == "point":
        return torch.nn.functional.mse_loss(out.reshape(y.shape), y)
    out = out.reshape(tuple(y.shape) + (K,))
    if o["head"] == "quantile":
        q = torch.tensor(o["quantiles"], dtype=out.dtype)
        e = y.unsqueeze(-1) - out
        return torch.maximum(q * e, (q - 1) * e).mean()
    return torch.nn.functional.gaussian_nll_loss(out[..., 0], y, out[..., 1].exp(), eps=1e-6)


def _last_step_batch(config, out):
    return out if config["model"] == "mlp" else out[:, -1]
`;
