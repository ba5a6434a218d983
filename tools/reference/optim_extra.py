"""Produce test/fixtures/optim_extra.json: RMSprop, Adagrad and LBFGS against PyTorch.

RMSprop / Adagrad problem: a tiny MLP, Linear(3, 4) -> tanh -> Linear(4, 2), with recorded
initial parameters, X [6,3], Y [6,2], loss = MSELoss(mean).  Each run starts from the initial
parameters and does 40 iterations of
    opt.zero_grad(); loss = ...; loss.backward(); opt.step()
recording "losses" (the loss before each step), the parameters after steps 1 and 40 and the
optimizer state after step 40 (keys camelCased: squareAvg, momentumBuffer, gradAvg, sum, step).
Runs are float64 unless "dtype" says float32.  "groups" describes parameter groups by the
parameter names they hold ("0.weight" is the first Linear's weight); "added" groups go through
add_param_group after construction.

LBFGS problem (float64): LSTM(2, 3) + Linear(3, 1) on every step of a fixed sequence
x [5,2,2] (T=5, B=2), target y [5,2,1], loss = MSELoss(mean)(linear(lstm(x)[0]), y).
Each run does 4 calls of opt.step(closure) (closure: zero_grad, loss, backward, return loss),
recording what step returned, the loss after the step, the closure calls per step and the final
parameters and state (nIter, funcEvals).
"""
import torch
from torch import nn

from _common import T, header, write_json

torch.set_default_dtype(torch.float64)
torch.manual_seed(11)

# ---- RMSprop / Adagrad -----------------------------------------------------
mlp = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
mlp_init = {k: v.detach().clone() for k, v in mlp.state_dict().items()}
X = torch.randn(6, 3)
Y = torch.randn(6, 2)
STEPS = 40
NAMES = {"weightDecay": "weight_decay", "lrDecay": "lr_decay",
         "initialAccumulatorValue": "initial_accumulator_value",
         "maxIter": "max_iter", "maxEval": "max_eval", "toleranceGrad": "tolerance_grad",
         "toleranceChange": "tolerance_change", "historySize": "history_size",
         "lineSearchFn": "line_search_fn"}
STATE_NAMES = {"square_avg": "squareAvg", "momentum_buffer": "momentumBuffer",
               "grad_avg": "gradAvg", "sum": "sum", "step": "step"}


def kw(options):
    return {NAMES.get(k, k): v for k, v in options.items()}


RUNS = [
    ("RMSprop", {}, None),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}, None),
    ("RMSprop", {"lr": 0.01, "centered": True}, None),
    ("RMSprop", {"lr": 0.01, "weightDecay": 0.1}, None),
    ("RMSprop", {"lr": 0.005, "alpha": 0.9, "eps": 1e-6, "momentum": 0.5, "centered": True, "weightDecay": 0.01}, None),
    ("RMSprop", {"lr": 0.01, "alpha": 0.95}, {"groups": [
        {"params": ["0.weight", "0.bias"], "lr": 0.02, "momentum": 0.9},
        {"params": ["2.weight", "2.bias"], "centered": True}]}),
    ("RMSprop", {"lr": 0.01}, {"groups": [{"params": ["0.weight", "0.bias"]}],
                                "added": [{"params": ["2.weight", "2.bias"], "lr": 0.003, "momentum": 0.8}]}),
    ("Adagrad", {}, None),
    ("Adagrad", {"lr": 0.1, "lrDecay": 0.01}, None),
    ("Adagrad", {"lr": 0.05, "weightDecay": 0.1}, None),
    ("Adagrad", {"lr": 0.1, "initialAccumulatorValue": 0.5, "eps": 1e-8, "lrDecay": 0.001, "weightDecay": 0.01}, None),
    # (PyTorch fills every accumulator from the constructor's initial_accumulator_value, so the
    # groups leave it out: rnnkit honours a group's own value, PyTorch 1.13 ignores it.)
    ("Adagrad", {"lr": 0.1, "initialAccumulatorValue": 0.1}, {"groups": [
        {"params": ["0.weight", "0.bias"], "lrDecay": 0.05},
        {"params": ["2.weight", "2.bias"], "lr": 0.02}]}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True}, {"dtype": "float32"}),
    ("Adagrad", {"lr": 0.1, "lrDecay": 0.01, "weightDecay": 0.01}, {"dtype": "float32"}),
]


def serial_state(opt, params):
    out = {}
    for i, p in enumerate(params):
        s = opt.state.get(p)
        if s:
            out[str(i)] = {STATE_NAMES[k]: (T(v) if isinstance(v, torch.Tensor) and v.dim() > 0
                                            else float(v)) for k, v in s.items()}
    return out


def run_first_order(name, options, extra):
    extra = extra or {}
    dtype = torch.float32 if extra.get("dtype") == "float32" else torch.float64
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).to(dtype)
    model.load_state_dict({k: v.to(dtype) for k, v in mlp_init.items()})
    named = dict(model.named_parameters())
    cls = getattr(torch.optim, name)
    if "groups" in extra:
        groups = [{**kw({k: v for k, v in g.items() if k != "params"}),
                   "params": [named[n] for n in g["params"]]} for g in extra["groups"]]
        opt = cls(groups, **kw(options))
        for g in extra.get("added", []):
            opt.add_param_group({**kw({k: v for k, v in g.items() if k != "params"}),
                                 "params": [named[n] for n in g["params"]]})
    else:
        opt = cls(model.parameters(), **kw(options))
    order = [p for g in opt.param_groups for p in g["params"]]
    x, y = X.to(dtype), Y.to(dtype)
    losses, after = [], {}
    for step in range(1, STEPS + 1):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if step in (1, STEPS):
            after[str(step)] = {k: T(v) for k, v in model.named_parameters()}
    return {"optimizer": name, "options": options, **extra, "dtype": "float32" if dtype == torch.float32 else "float64",
            "losses": losses, "after": after, "state": serial_state(opt, order)}


runs = [run_first_order(*r) for r in RUNS]

# ---- LBFGS -------------------------------------------------------------------
torch.manual_seed(5)
lstm = nn.LSTM(2, 3)
head = nn.Linear(3, 1)
lbfgs_init = {**{f"lstm.{k}": v.detach().clone() for k, v in lstm.state_dict().items()},
              **{f"head.{k}": v.detach().clone() for k, v in head.state_dict().items()}}
xs = torch.randn(5, 2, 2)
ys = torch.randn(5, 2, 1)

LBFGS_RUNS = [
    {"lineSearchFn": "strong_wolfe"},
    {"lineSearchFn": None, "lr": 0.5},
    {"lineSearchFn": "strong_wolfe", "maxIter": 6, "historySize": 3},
    {"lineSearchFn": None, "lr": 0.3, "maxIter": 7, "historySize": 2, "toleranceChange": 1e-12},
]


def run_lbfgs(options):
    lstm.load_state_dict({k[5:]: v for k, v in lbfgs_init.items() if k.startswith("lstm.")})
    head.load_state_dict({k[5:]: v for k, v in lbfgs_init.items() if k.startswith("head.")})
    params = list(lstm.parameters()) + list(head.parameters())
    opt = torch.optim.LBFGS(params, **kw(options))
    calls = [0]

    def closure():
        calls[0] += 1
        opt.zero_grad()
        loss = nn.functional.mse_loss(head(lstm(xs)[0]), ys)
        loss.backward()
        return loss

    returned, losses, evals = [], [], []
    for _ in range(4):
        calls[0] = 0
        returned.append(opt.step(closure).item())
        evals.append(calls[0])
        with torch.no_grad():
            losses.append(nn.functional.mse_loss(head(lstm(xs)[0]), ys).item())
    s = opt.state[params[0]]
    final = {**{f"lstm.{k}": T(v) for k, v in lstm.named_parameters()},
             **{f"head.{k}": T(v) for k, v in head.named_parameters()}}
    return {"options": options, "returned": returned, "losses": losses, "closureCalls": evals,
            "nIter": s["n_iter"], "funcEvals": s["func_evals"], "final": final}


lbfgs_runs = [run_lbfgs(o) for o in LBFGS_RUNS]

out = header("optim_extra.py")
out["mlp"] = {
    "model": "Sequential(Linear(3, 4), Tanh(), Linear(4, 2))",
    "loss": "MSELoss(reduction='mean')(mlp(X), Y)",
    "steps": STEPS,
    "initial": {k: T(v) for k, v in mlp_init.items()},
    "X": T(X),
    "Y": T(Y),
}
out["runs"] = runs
out["lbfgs"] = {
    "dtype": "float64",
    "model": "LSTM(2, 3) + Linear(3, 1) on every step",
    "loss": "MSELoss(reduction='mean')(head(lstm(x)[0]), y)",
    "initial": {k: T(v) for k, v in lbfgs_init.items()},
    "x": T(xs),
    "y": T(ys),
    "runs": lbfgs_runs,
}
write_json("optim_extra.json", out)
