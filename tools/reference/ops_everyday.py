"""Produce test/fixtures/ops_everyday.json: the everyday tensor API (issue 9), float64.

"cases" have the format of ops.json (differentiable: forward value and the gradient of
(output * grad_output).sum()); a null grad marks an input without gradient (masks, index
tensors). "gradcheck": false marks a case at a kink (ties), where finite differences do not apply.
"forward" cases hold outputs without gradient, compared exactly: indices (as float), comparison
masks (bool as 0/1) and the pieces of chunk/split.  kwargs use the rnnkit (camelCase) names.
"""
import torch

from _common import T, header, write_json

torch.manual_seed(4321)
torch.set_default_dtype(torch.float64)

cases = []
forward = []


def randn(*shape):
    return torch.randn(shape)


def add_case(name, op, kwargs, inputs, fn, requires_grad=None, gradcheck=True):
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
    case = {
        "name": name,
        "op": op,
        "kwargs": kwargs,
        "inputs": [T(x.double()) for x in leaves],
        "output": T(out),
        "grad_output": T(grad_output),
        "grads": [T(x.grad) if rg else None for x, rg in zip(leaves, requires_grad)],
    }
    if not gradcheck:
        case["gradcheck"] = False
    cases.append(case)


def add_fwd(name, op, kwargs, inputs, fn):
    outs = fn(*inputs)
    if isinstance(outs, torch.Tensor):
        outs = [outs]
    forward.append({
        "name": name,
        "op": op,
        "kwargs": kwargs,
        "inputs": [T(x.double()) for x in inputs],
        "outputs": [T(o.double()) for o in outs],
    })


ties = torch.tensor([[1.0, 3.0, 3.0, 2.0], [0.5, -1.0, 0.5, -1.0], [2.0, 2.0, 2.0, 2.0]])
ints = torch.randint(-2, 3, (3, 4)).double()  # small integers: many equal pairs

# ---- max / min ------------------------------------------------------------------------------
for op, fn in (("max", torch.max), ("min", torch.min)):
    add_case(f"{op}_all", op, {}, [randn(3, 4)], lambda x: fn(x))
    # PyTorch 1.13 shares the gradient of a whole-tensor max/min evenly among the tied entries
    add_case(f"{op}_all_ties", op, {}, [ties], lambda x: fn(x), gradcheck=False)
    add_case(f"{op}_dim1", op, {"dim": 1}, [randn(3, 4)], lambda x: fn(x, 1)[0])
    add_case(f"{op}_dim0_keepdim", op, {"dim": 0, "keepdim": True}, [randn(3, 4, 2)], lambda x: fn(x, 0, keepdim=True)[0])
    # with dim, the gradient goes to the (first) index returned
    add_case(f"{op}_dim1_ties", op, {"dim": 1}, [ties], lambda x: fn(x, 1)[0], gradcheck=False)
    add_fwd(f"{op}_dim1_ties_indices", op, {"dim": 1}, [ties], lambda x: fn(x, 1))
    add_fwd(f"{op}_dim-1_keepdim_indices", op, {"dim": -1, "keepdim": True}, [ints.reshape(2, 2, 3)],
            lambda x: fn(x, -1, keepdim=True))

# ---- argmax / argmin ------------------------------------------------------------------------
for op, fn in (("argmax", torch.argmax), ("argmin", torch.argmin)):
    add_fwd(f"{op}_all", op, {}, [randn(3, 4)], lambda x: fn(x))
    add_fwd(f"{op}_all_keepdim", op, {"keepdim": True}, [randn(3, 4)], lambda x: fn(x, keepdim=True))
    add_fwd(f"{op}_all_ties", op, {}, [ties], lambda x: fn(x))
    add_fwd(f"{op}_dim1_ties", op, {"dim": 1}, [ties], lambda x: fn(x, 1))
    add_fwd(f"{op}_dim0_keepdim", op, {"dim": 0, "keepdim": True}, [randn(3, 4, 2)], lambda x: fn(x, 0, keepdim=True))
    add_fwd(f"{op}_dim-1", op, {"dim": -1}, [ints.reshape(2, 6)], lambda x: fn(x, -1))

# ---- comparisons (bool results as 0/1) ------------------------------------------------------
cmp = {"eq": torch.eq, "ne": torch.ne, "lt": torch.lt, "le": torch.le, "gt": torch.gt, "ge": torch.ge}
for op, fn in cmp.items():
    add_fwd(f"{op}_broadcast", op, {}, [ints, ints[1]], fn)
    add_fwd(f"{op}_number", op, {"other": 1}, [ints], lambda x: fn(x, 1))

# ---- where / maskedFill ---------------------------------------------------------------------
cond = (randn(3, 4) > 0).double()
add_case("where_same", "where", {}, [cond, randn(3, 4), randn(3, 4)],
         lambda c, a, b: torch.where(c != 0, a, b), requires_grad=[False, True, True])
add_case("where_broadcast", "where", {}, [cond[:, :1], randn(4), randn(3, 1)],
         lambda c, a, b: torch.where(c != 0, a, b), requires_grad=[False, True, True])
add_case("where_number", "where", {"other": -1.5}, [cond, randn(3, 4)],
         lambda c, a: torch.where(c != 0, a, torch.tensor(-1.5)), requires_grad=[False, True])
add_case("maskedFill_broadcast", "maskedFill", {"value": -2.5}, [randn(3, 4), cond[0]],
         lambda x, m: x.masked_fill(m != 0, -2.5), requires_grad=[True, False])

# ---- gather / scatter -----------------------------------------------------------------------
add_case("gather_dim1", "gather", {"dim": 1}, [randn(3, 4), torch.tensor([[0, 3, 3], [1, 0, 2], [2, 2, 1]])],
         lambda x, i: torch.gather(x, 1, i), requires_grad=[True, False])
add_case("gather_dim0_smaller", "gather", {"dim": 0}, [randn(3, 4, 2), torch.tensor([[[2, 0], [1, 1]], [[0, 0], [2, 1]]])],
         lambda x, i: torch.gather(x, 0, i), requires_grad=[True, False])
uniq = torch.tensor([[3, 0], [1, 2], [0, 1]])  # scatter: no repeated target in a row
add_case("scatter_dim1", "scatter", {"dim": 1}, [randn(3, 4), uniq, randn(3, 2)],  # src of index's shape (1.13 mis-shapes a larger src's grad)
         lambda x, i, s: torch.scatter(x, 1, i, s), requires_grad=[True, False, True])
add_case("scatter_value", "scatter", {"dim": 1, "value": 0.25}, [randn(3, 4), uniq],
         lambda x, i: torch.scatter(x, 1, i, 0.25), requires_grad=[True, False])
add_case("scatterAdd_dim0_repeats", "scatterAdd", {"dim": 0}, [randn(3, 4), torch.tensor([[0, 2, 2, 1], [0, 0, 1, 1]]), randn(2, 4)],
         lambda x, i, s: torch.scatter_add(x, 0, i, s), requires_grad=[True, False, True])

# ---- topk / sort / argsort ------------------------------------------------------------------
add_case("topk_k2_largest", "topk", {"k": 2}, [randn(3, 5)], lambda x: torch.topk(x, 2)[0])
add_case("topk_k3_smallest_dim0", "topk", {"k": 3, "dim": 0, "largest": False}, [randn(4, 3)],
         lambda x: torch.topk(x, 3, dim=0, largest=False)[0])
add_fwd("topk_k2_indices", "topk", {"k": 2}, [randn(3, 5)], lambda x: torch.topk(x, 2))
add_fwd("topk_k3_smallest_dim0_indices", "topk", {"k": 3, "dim": 0, "largest": False}, [randn(4, 3)],
        lambda x: torch.topk(x, 3, dim=0, largest=False))
add_case("sort_dim-1", "sort", {"dim": -1}, [randn(3, 5)], lambda x: torch.sort(x, -1)[0])
add_case("sort_dim0_descending", "sort", {"dim": 0, "descending": True}, [randn(4, 3)],
         lambda x: torch.sort(x, 0, descending=True)[0])
add_fwd("sort_stable_ties", "sort", {"dim": -1}, [ints.reshape(2, 6)], lambda x: torch.sort(x, dim=-1, stable=True))
add_fwd("sort_stable_ties_descending", "sort", {"dim": -1, "descending": True}, [ints.reshape(2, 6)],
        lambda x: torch.sort(x, dim=-1, descending=True, stable=True))
add_fwd("argsort_dim0", "argsort", {"dim": 0}, [randn(4, 3)], lambda x: torch.argsort(x, 0))

# ---- cumsum ---------------------------------------------------------------------------------
add_case("cumsum_dim1", "cumsum", {"dim": 1}, [randn(3, 4)], lambda x: torch.cumsum(x, 1))
add_case("cumsum_dim0_3d", "cumsum", {"dim": 0}, [randn(3, 2, 4)], lambda x: torch.cumsum(x, 0))
add_case("cumsum_dim-1", "cumsum", {"dim": -1}, [randn(2, 3, 4)], lambda x: torch.cumsum(x, -1))

# ---- expand / repeat / flatten / transposes / split ------------------------------------------
add_case("expand_prepend", "expand", {"sizes": [2, 3, 4]}, [randn(3, 1)], lambda x: x.expand(2, 3, 4))
add_case("expand_keep", "expand", {"sizes": [-1, 4]}, [randn(3, 1)], lambda x: x.expand(-1, 4))
add_case("repeat_2_1_3", "repeat", {"reps": [2, 1, 3]}, [randn(2, 3)], lambda x: x.repeat(2, 1, 3))
add_case("repeat_2_2", "repeat", {"reps": [2, 2]}, [randn(3, 2)], lambda x: x.repeat(2, 2))
add_case("flatten_1_2", "flatten", {"startDim": 1, "endDim": 2}, [randn(2, 3, 4, 2)], lambda x: x.flatten(1, 2))
add_case("flatten_all", "flatten", {}, [randn(2, 3, 4)], lambda x: x.flatten())
add_case("T_3d", "T", {}, [randn(2, 3, 4)], lambda x: x.permute(2, 1, 0))  # = x.T (deprecated on 3-d in 1.13)
add_case("mT_3d", "mT", {}, [randn(2, 3, 4)], lambda x: x.mT)
# pieces weighted by 1, 2, 3, ... and joined again, so the gradient checks each piece's place
add_case("split_sizes_weighted", "split", {"sizeOrSizes": [1, 3, 1], "dim": 1}, [randn(2, 5)],
         lambda x: torch.cat([p * (i + 1) for i, p in enumerate(torch.split(x, [1, 3, 1], 1))], 1))
add_case("chunk_3_weighted", "chunk", {"chunks": 3, "dim": 0}, [randn(5, 2)],
         lambda x: torch.cat([p * (i + 1) for i, p in enumerate(torch.chunk(x, 3, 0))], 0))
add_fwd("chunk_5_by_3", "chunk", {"chunks": 3, "dim": 0}, [randn(5, 2)], lambda x: torch.chunk(x, 3, 0))
add_fwd("chunk_5_by_4", "chunk", {"chunks": 4, "dim": 0}, [randn(5, 2)], lambda x: torch.chunk(x, 4, 0))
add_fwd("chunk_6_by_4_dim1", "chunk", {"chunks": 4, "dim": 1}, [randn(2, 6)], lambda x: torch.chunk(x, 4, 1))
add_fwd("split_2", "split", {"sizeOrSizes": 2, "dim": -1}, [randn(2, 5)], lambda x: torch.split(x, 2, -1))
add_fwd("split_sizes", "split", {"sizeOrSizes": [1, 3, 1], "dim": 1}, [randn(2, 5)], lambda x: torch.split(x, [1, 3, 1], 1))

# ---- statistics -----------------------------------------------------------------------------
for op, fn in (("var", torch.var), ("std", torch.std)):
    add_case(f"{op}_all", op, {}, [randn(3, 4)], lambda x: fn(x))
    add_case(f"{op}_dim1", op, {"dim": 1}, [randn(3, 4)], lambda x: fn(x, 1))
    add_case(f"{op}_dim02_keepdim", op, {"dim": [0, 2], "keepdim": True}, [randn(2, 3, 4)], lambda x: fn(x, [0, 2], keepdim=True))
    add_case(f"{op}_dim0_correction0", op, {"dim": 0, "correction": 0}, [randn(3, 4)], lambda x: fn(x, 0, correction=0))
    add_case(f"{op}_dim-1_correction2", op, {"dim": -1, "correction": 2}, [randn(3, 5)], lambda x: fn(x, -1, correction=2))
add_case("std_constant_row", "std", {"dim": 1}, [torch.tensor([[1.5, 1.5, 1.5], [0.0, 1.0, 3.0]])], lambda x: torch.std(x, 1),
         gradcheck=False)  # std = 0: PyTorch's gradient is 0 there

add_case("norm_all", "norm", {}, [randn(3, 4)], lambda x: x.norm())
add_case("norm_p2_dim1", "norm", {"p": 2, "dim": 1}, [randn(3, 4)], lambda x: x.norm(p=2, dim=1))
add_case("norm_p1_dim0_keepdim", "norm", {"p": 1, "dim": 0, "keepdim": True}, [randn(3, 4)],
         lambda x: x.norm(p=1, dim=0, keepdim=True))
add_case("norm_p3_dim-1", "norm", {"p": 3, "dim": -1}, [randn(3, 4)], lambda x: x.norm(p=3, dim=-1))
add_case("norm_pinf_dim1", "norm", {"p": "inf", "dim": 1}, [randn(3, 4)], lambda x: x.norm(p=float("inf"), dim=1))
add_case("norm_pinf_ties", "norm", {"p": "inf"}, [torch.tensor([1.0, -3.0, 3.0, 2.0])], lambda x: x.norm(p=float("inf")),
         gradcheck=False)
zrow = randn(3, 4)
zrow[1] = 0
add_case("norm_p2_zero_row", "norm", {"p": 2, "dim": 1}, [zrow], lambda x: x.norm(p=2, dim=1))
add_case("norm_p1_zero_row", "norm", {"p": 1, "dim": 1}, [zrow], lambda x: x.norm(p=1, dim=1))

add_case("logsumexp_dim1", "logsumexp", {"dim": 1}, [randn(3, 4)], lambda x: torch.logsumexp(x, 1))
add_case("logsumexp_dim01_keepdim", "logsumexp", {"dim": [0, 1], "keepdim": True}, [randn(2, 3, 4)],
         lambda x: torch.logsumexp(x, [0, 1], keepdim=True))
add_case("logsumexp_large", "logsumexp", {"dim": -1}, [1000 + 50 * randn(3, 4)], lambda x: torch.logsumexp(x, -1))

# ---- elementwise ----------------------------------------------------------------------------
add_case("sin", "sin", {}, [randn(3, 4)], torch.sin)
add_case("cos", "cos", {}, [randn(3, 4)], torch.cos)
add_case("sign_zeros", "sign", {}, [torch.tensor([[-1.5, 0.0, 2.0], [0.3, -0.2, 0.0]])], torch.sign,
         gradcheck=False)  # a jump at 0; PyTorch's gradient is 0 everywhere
add_case("sign", "sign", {}, [randn(3, 4)], torch.sign)

out = header("ops_everyday.py")
out["dtype"] = "float64"
out["cases"] = cases
out["forward"] = forward
write_json("ops_everyday.json", out)
print(len(cases), "cases,", len(forward), "forward cases")
