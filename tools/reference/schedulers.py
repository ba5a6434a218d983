"""Learning-rate schedules of torch.optim.lr_scheduler (PyTorch 1.13): the lr seen by the optimizer
before each of 25 epochs, for StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR and LambdaLR.
Writes test/fixtures/schedulers.json."""
import torch

from _common import header, write_json

def run(make, epochs=25):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1)
    sched = make(opt)
    lrs = []
    for _ in range(epochs):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return lrs

S = torch.optim.lr_scheduler
cases = [
    {"name": "StepLR", "options": {"stepSize": 4, "gamma": 0.5}, "lrs": run(lambda o: S.StepLR(o, step_size=4, gamma=0.5))},
    {"name": "MultiStepLR", "options": {"milestones": [3, 7, 15], "gamma": 0.2}, "lrs": run(lambda o: S.MultiStepLR(o, milestones=[3, 7, 15], gamma=0.2))},
    {"name": "ExponentialLR", "options": {"gamma": 0.9}, "lrs": run(lambda o: S.ExponentialLR(o, gamma=0.9))},
    {"name": "CosineAnnealingLR", "options": {"tMax": 10, "etaMin": 0.001}, "lrs": run(lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001))},
    {"name": "LambdaLR", "options": {"lambda": "1 / (1 + epoch)"}, "lrs": run(lambda o: S.LambdaLR(o, lr_lambda=lambda e: 1 / (1 + e)))},
]
write_json("schedulers.json", {**header("schedulers.py"), "base_lr": 0.1, "cases": cases})
