"""Produce test/fixtures/ops.json: forward values and gradients of tensor ops (float64).

Each case: {"name", "op", "kwargs", "inputs": [T...], "output": T,
            "grad_output": T, "grads": [T or null per input]}
grads are d/d(input) of (output * grad_output).sum(); grad is null for inputs
that do not require grad (loss targets).  kwargs use the rnnkit (camelCase) names.
"""
import torch
import torch.nn.functional as F

from _common import T, header, write_json

torch.manual_seed(1234)
torch.set_default_dtype(torch.float64)

cases = []


def randn(*shape):
    return torch.randn(shape)


def rand_in(lo, hi, *shape):
    return lo + (hi - lo) * torch.rand(shape)


def away_from_zero(*shape, margin=1e-3):
    """randn values with |x| >= margin (for relu / abs kinks)."""
    x = torch.randn(shape)
    return torch.where(x.abs() < margin, torch.full_like(x, 0.5), x)


def add_case(name, op, kwargs, inputs, fn, requires_grad=None):
    if requires_grad is None:
        requires_grad = [True] * len(inputs)
    leaves = []
    for x, rg in zip(inputs, requires_grad):
        x = x.detach().clone()
        if rg:
            x.requires_grad_(True)
        leaves.append(x)
    out = fn(*leaves)
    grad_output = torch.randn(out.shape)
    (out * grad_output).sum().backward()
    cases.append({
        "name": name,
        "op": op,
        "kwargs": kwargs,
        "inputs": [T(x) for x in leaves],
        "output": T(out),
        "grad_output": T(grad_output),
        "grads": [T(x.grad) if rg else None for x, rg in zip(leaves, requires_grad)],
    })


# ---- binary elementwise with broadcasting --------------------------------
shape_pairs = [([3, 4], [3, 4]), ([3, 4], [4]), ([2, 1, 4], [3, 1]), ([4], [2, 3, 4]), ([2, 3], [])]
binary = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div}
for op, fn in binary.items():
    for sa, sb in shape_pairs:
        a = randn(*sa)
        b = rand_in(0.5, 1.5, *sb) if op == "div" else randn(*sb)
        name = f"{op}_{'x'.join(map(str, sa)) or 'scalar'}_{'x'.join(map(str, sb)) or 'scalar'}"
        add_case(name, op, {}, [a, b], fn)

# ---- unary ----------------------------------------------------------------
add_case("neg", "neg", {}, [randn(3, 4)], torch.neg)
add_case("exp", "exp", {}, [randn(3, 4)], torch.exp)
add_case("log", "log", {}, [rand_in(0.5, 2.0, 3, 4)], torch.log)
add_case("tanh", "tanh", {}, [randn(3, 4)], torch.tanh)
add_case("sigmoid", "sigmoid", {}, [randn(3, 4)], torch.sigmoid)
add_case("relu", "relu", {}, [away_from_zero(3, 4)], torch.relu)
add_case("pow_2", "pow", {"exponent": 2}, [randn(3, 4)], lambda x: torch.pow(x, 2))
add_case("pow_2.5", "pow", {"exponent": 2.5}, [rand_in(0.5, 2.0, 3, 4)], lambda x: torch.pow(x, 2.5))
add_case("pow_-1", "pow", {"exponent": -1}, [rand_in(0.5, 2.0, 3, 4)], lambda x: torch.pow(x, -1))
add_case("abs", "abs", {}, [away_from_zero(3, 4)], torch.abs)
add_case("sqrt", "sqrt", {}, [rand_in(0.5, 2.0, 3, 4)], torch.sqrt)

# ---- matmul ---------------------------------------------------------------
add_case("matmul_3x4_4x5", "matmul", {}, [randn(3, 4), randn(4, 5)], torch.matmul)
add_case("matmul_batched", "matmul", {}, [randn(2, 3, 4), randn(2, 4, 5)], torch.matmul)
add_case("matmul_broadcast", "matmul", {}, [randn(2, 3, 4), randn(4, 5)], torch.matmul)
add_case("matmul_transposeA", "matmul", {"transposeA": True}, [randn(5, 3), randn(5, 4)],
         lambda a, b: a.T @ b)
add_case("matmul_transposeB", "matmul", {"transposeB": True}, [randn(3, 4), randn(5, 4)],
         lambda a, b: a @ b.T)

# ---- reductions -----------------------------------------------------------
for op, fn in (("sum", torch.sum), ("mean", torch.mean)):
    add_case(f"{op}_all", op, {}, [randn(2, 3, 4)], lambda x: fn(x))
    add_case(f"{op}_dim1", op, {"dim": 1}, [randn(2, 3, 4)], lambda x: fn(x, dim=1))
    add_case(f"{op}_dim1_keepdim", op, {"dim": 1, "keepdim": True}, [randn(2, 3, 4)],
             lambda x: fn(x, dim=1, keepdim=True))
    add_case(f"{op}_dim02", op, {"dim": [0, 2]}, [randn(2, 3, 4)], lambda x: fn(x, dim=[0, 2]))
    add_case(f"{op}_dim-1", op, {"dim": -1}, [randn(2, 3, 4)], lambda x: fn(x, dim=-1))

# ---- softmax family -------------------------------------------------------
add_case("softmax_dim-1", "softmax", {"dim": -1}, [randn(3, 4, 5)], lambda x: torch.softmax(x, dim=-1))
add_case("softmax_dim1", "softmax", {"dim": 1}, [randn(3, 4, 5)], lambda x: torch.softmax(x, dim=1))
add_case("logSoftmax_dim-1", "logSoftmax", {"dim": -1}, [randn(3, 4)], lambda x: torch.log_softmax(x, dim=-1))
add_case("logSoftmax_dim0", "logSoftmax", {"dim": 0}, [randn(3, 4)], lambda x: torch.log_softmax(x, dim=0))

# ---- shape ops ------------------------------------------------------------
add_case("reshape_4x6", "reshape", {"shape": [4, 6]}, [randn(2, 3, 4)], lambda x: x.reshape(4, 6))
add_case("reshape_-1x3", "reshape", {"shape": [-1, 3]}, [randn(2, 3, 4)], lambda x: x.reshape(-1, 3))
add_case("transpose_0_2", "transpose", {"dim0": 0, "dim1": 2}, [randn(2, 3, 4)], lambda x: x.transpose(0, 2))
add_case("permute_201", "permute", {"dims": [2, 0, 1]}, [randn(2, 3, 4)], lambda x: x.permute(2, 0, 1))
add_case("squeeze_dim1", "squeeze", {"dim": 1}, [randn(3, 1, 4)], lambda x: x.squeeze(1))
add_case("unsqueeze_dim-1", "unsqueeze", {"dim": -1}, [randn(3, 4)], lambda x: x.unsqueeze(-1))

# ---- indexing -------------------------------------------------------------
add_case("select_dim1_idx2", "select", {"dim": 1, "index": 2}, [randn(3, 4, 5)], lambda x: x.select(1, 2))
add_case("slice_dim1_1_3", "slice", {"dim": 1, "start": 1, "end": 3}, [randn(3, 4, 5)], lambda x: x[:, 1:3])
add_case("indexSelect_dim0_repeat", "indexSelect", {"dim": 0, "index": [2, 0, 2]}, [randn(3, 4)],
         lambda x: torch.index_select(x, 0, torch.tensor([2, 0, 2])))

# ---- joining --------------------------------------------------------------
add_case("cat_dim1", "cat", {"dim": 1}, [randn(2, 3), randn(2, 5)], lambda a, b: torch.cat([a, b], dim=1))
add_case("stack_dim0", "stack", {"dim": 0}, [randn(2, 3), randn(2, 3), randn(2, 3)],
         lambda *xs: torch.stack(xs, dim=0))
add_case("stack_dim2", "stack", {"dim": 2}, [randn(2, 3), randn(2, 3), randn(2, 3)],
         lambda *xs: torch.stack(xs, dim=2))

# ---- same input used twice ------------------------------------------------
add_case("mul_self", "mul_self", {}, [randn(3, 4)], lambda x: x * x)

# ---- losses ---------------------------------------------------------------
for reduction in ("mean", "sum", "none"):
    add_case(f"mseLoss_{reduction}", "mseLoss", {"reduction": reduction}, [randn(3, 4), randn(3, 4)],
             lambda p, t: F.mse_loss(p, t, reduction=reduction), requires_grad=[True, False])
    add_case(f"l1Loss_{reduction}", "l1Loss", {"reduction": reduction}, [randn(3, 4), randn(3, 4)],
             lambda p, t: F.l1_loss(p, t, reduction=reduction), requires_grad=[True, False])


def ce_case(name, logits, target, reduction, ignore_index, op="crossEntropy"):
    fn = F.cross_entropy if op == "crossEntropy" else F.nll_loss
    add_case(name, op, {"reduction": reduction, "ignoreIndex": ignore_index}, [logits, target],
             lambda x, t: fn(x, t, reduction=reduction, ignore_index=ignore_index),
             requires_grad=[True, False])


targets = torch.tensor([1, 0, 3, 2, 1])
targets_ignored = torch.tensor([1, 0, 1, 2, 3])  # two entries equal ignoreIndex=1
for reduction in ("mean", "sum", "none"):
    ce_case(f"crossEntropy_{reduction}", randn(5, 4), targets, reduction, -100)
    ce_case(f"crossEntropy_{reduction}_ignore1", randn(5, 4), targets_ignored, reduction, 1)
targets_nct = torch.tensor([[0, 2, 1, 1], [2, 0, 0, 1]])
for reduction in ("mean", "none"):
    ce_case(f"crossEntropy_NCT_{reduction}", randn(2, 3, 4), targets_nct, reduction, -100)
for reduction in ("mean", "sum", "none"):
    ce_case(f"nllLoss_{reduction}", torch.log_softmax(randn(5, 4), dim=1), targets, reduction, -100,
            op="nllLoss")
    ce_case(f"nllLoss_{reduction}_ignore1", torch.log_softmax(randn(5, 4), dim=1), targets_ignored,
            reduction, 1, op="nllLoss")

out = header("ops.py")
out["dtype"] = "float64"
out["cases"] = cases
write_json("ops.json", out)
print(len(cases), "cases")
