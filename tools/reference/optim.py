"""Produce test/fixtures/optim.json: optimizer trajectories and grad clipping (float32).

Problem: Linear(3, 2) with recorded initial weight/bias, X [8,3], Y [8,2],
loss = MSELoss(mean)(linear(X), Y).  For each optimizer config, starting from
the same initial parameters, run 50 iterations of
    opt.zero_grad(); loss = ...; loss.backward(); opt.step()
recording "losses" (the loss computed before each step) and weight/bias after
steps 1, 2, 10 and 50.

"clip" cases: grads from one backward of (multiplier * loss), multiplier chosen
so the total 2-norm is ~5; then clip_grad_norm_ (norm 2 and inf) and
clip_grad_value_.  normType inf is written as the string "inf" (JSON has no Infinity).
"""
import torch
from torch import nn

from _common import T, header, write_json

torch.manual_seed(7)

model = nn.Linear(3, 2)
init = {k: v.detach().clone() for k, v in model.state_dict().items()}
X = torch.randn(8, 3)
Y = torch.randn(8, 2)
criterion = nn.MSELoss(reduction="mean")

CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.1, "weightDecay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "betas": [0.8, 0.9], "eps": 1e-6, "weightDecay": 0.1, "amsgrad": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.02, "weightDecay": 0.1, "amsgrad": True}),
]
TORCH_NAMES = {"weightDecay": "weight_decay"}
RECORD_AFTER = (1, 2, 10, 50)


def make_optimizer(name, options, params):
    kwargs = {TORCH_NAMES.get(k, k): (tuple(v) if k == "betas" else v) for k, v in options.items()}
    return getattr(torch.optim, name)(params, **kwargs)


runs = []
for name, options in CONFIGS:
    model.load_state_dict(init)
    opt = make_optimizer(name, options, model.parameters())
    losses, after = [], {}
    for step in range(1, 51):
        opt.zero_grad()
        loss = criterion(model(X), Y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if step in RECORD_AFTER:
            after[str(step)] = {"weight": T(model.weight), "bias": T(model.bias)}
    runs.append({"optimizer": name, "options": options, "losses": losses, "after": after})

# ---- gradient clipping ----------------------------------------------------
model.load_state_dict(init)
model.zero_grad()
criterion(model(X), Y).backward()
norm = torch.cat([p.grad.reshape(-1) for p in model.parameters()]).norm()
multiplier = 5.0 / norm.item()
model.zero_grad()
(multiplier * criterion(model(X), Y)).backward()
grads_before = {k: p.grad.detach().clone() for k, p in model.named_parameters()}


def clip_case(name, fn, options, clip):
    for k, p in model.named_parameters():
        p.grad = grads_before[k].clone()
    returned = clip(list(model.parameters()))
    return {
        "name": name,
        "fn": fn,
        "options": options,
        "grads_before": {k: T(g) for k, g in grads_before.items()},
        "returned": None if returned is None else returned.item(),
        "grads_after": {k: T(p.grad) for k, p in model.named_parameters()},
    }


clips = [
    clip_case("clip_grad_norm_l2", "clipGradNorm", {"maxNorm": 1.0, "normType": 2},
              lambda ps: nn.utils.clip_grad_norm_(ps, max_norm=1.0, norm_type=2)),
    clip_case("clip_grad_norm_inf", "clipGradNorm", {"maxNorm": 1.0, "normType": "inf"},
              lambda ps: nn.utils.clip_grad_norm_(ps, max_norm=1.0, norm_type=float("inf"))),
    clip_case("clip_grad_norm_l2_noop", "clipGradNorm", {"maxNorm": 10.0, "normType": 2},
              lambda ps: nn.utils.clip_grad_norm_(ps, max_norm=10.0, norm_type=2)),
    clip_case("clip_grad_value", "clipGradValue", {"clipValue": 0.1},
              lambda ps: nn.utils.clip_grad_value_(ps, clip_value=0.1)),
    clip_case("clip_grad_value_1", "clipGradValue", {"clipValue": 1.0},
              lambda ps: nn.utils.clip_grad_value_(ps, clip_value=1.0)),
]

out = header("optim.py")
out["dtype"] = "float32"
out["problem"] = {
    "model": "Linear(3, 2)",
    "loss": "MSELoss(reduction='mean')(linear(X), Y)",
    "initial": {"weight": T(init["weight"]), "bias": T(init["bias"])},
    "X": T(X),
    "Y": T(Y),
}
out["runs"] = runs
out["clip"] = clips
out["clip_multiplier"] = multiplier
write_json("optim.json", out)
