"""Gaussian NLL and pinball-loss reference (PyTorch 1.13, float64).

gaussian_nll: torch.nn.functional.gaussian_nll_loss(input, target, var, full, eps=1e-6, reduction)
on seeded [3, 4] tensors whose variances include entries below eps (PyTorch clamps them under
no_grad, so their gradient passes straight through); the loss for each reduction and full, and the
gradients of the mean loss with respect to input and var.

pinball: the quantile loss composed in torch (mean over the levels of max(q·e, (q − 1)·e),
e = target − pred, then the mean over elements) for levels [0.1, 0.5, 0.9], and its gradient with
respect to pred. There is no torch op for it; the fixture pins the formula and its shapes.

Run: /usr/bin/python3 tools/reference/gaussian_nll.py  -> test/fixtures/gaussian_nll.json
"""
import torch
import torch.nn.functional as F

from _common import T, header, write_json

torch.manual_seed(13)
inp = torch.randn(3, 4, dtype=torch.float64)
target = torch.randn(3, 4, dtype=torch.float64)
var = torch.rand(3, 4, dtype=torch.float64) * 2
var[0, 1] = 1e-8  # below eps: clamped
var[2, 3] = 0.0

cases = []
for full in (False, True):
    for reduction in ("mean", "sum", "none"):
        cases.append({"full": full, "reduction": reduction,
                      "loss": T(F.gaussian_nll_loss(inp, target, var, full=full, eps=1e-6, reduction=reduction))})
i, v = inp.clone().requires_grad_(), var.clone().requires_grad_()
F.gaussian_nll_loss(i, target, v, eps=1e-6).backward()

levels = [0.1, 0.5, 0.9]
pred = torch.randn(3, 4, 3, dtype=torch.float64, requires_grad=True)
q = torch.tensor(levels, dtype=torch.float64)
e = target.unsqueeze(-1) - pred
pin = torch.maximum(q * e, (q - 1) * e).mean()
pin.backward()

write_json("gaussian_nll.json", {
    **header("gaussian_nll.py"),
    "input": T(inp), "target": T(target), "var": T(var), "eps": 1e-6,
    "cases": cases, "grad_input": T(i.grad), "grad_var": T(v.grad),
    "pinball": {"levels": levels, "pred": T(pred), "loss": pin.item(), "grad_pred": T(pred.grad)},
})
