"""AR analytic prediction intervals: statsmodels AutoReg(...).fit().get_prediction(...).

A seeded AR(2) series (y_t = 1 + 0.5 y_{t−1} − 0.3 y_{t−2} + ε_t, ε ~ N(0, 0.7²), 80 points);
AutoReg(y[:60], lags=p, trend='c') for p = 1, 2, 4, and for each:
  - sigma2 (SSR / nobs) and the parameters;
  - in-sample one-step predictions (dynamic=False) for t = p … 59 with their 80% and 95% intervals
    (conf_int(alpha)), whose half-width is z·sqrt(sigma2);
  - the 10-step out-of-sample forecast after y[:60] with its intervals (variance sigma2·Σψ_j²).
rnnkit's ARForecaster.predictOneStepQuantiles / forecastQuantiles at levels (α/2, 1 − α/2)
must equal them to 1e-6.

Run with the system interpreter (Debian python3-statsmodels):
    /usr/bin/python3 tools/reference/ar_interval_statsmodels.py
"""
import json
import os

import numpy as np
import statsmodels
from statsmodels.tsa.ar_model import AutoReg

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "test", "fixtures")

rng = np.random.default_rng(13)
n, n_train, steps = 80, 60, 10
y = np.zeros(n)
for t in range(n):
    y[t] = 1 + (0.5 * y[t - 1] if t >= 1 else 0) - (0.3 * y[t - 2] if t >= 2 else 0) + 0.7 * rng.standard_normal()

cases = []
for p in (1, 2, 4):
    res = AutoReg(y[:n_train], lags=p, trend="c", old_names=False).fit()
    case = {"p": p, "sigma2": float(res.sigma2), "params": res.params.tolist()}
    ins = res.get_prediction(start=p, end=n_train - 1, dynamic=False)
    oos = res.get_prediction(start=n_train, end=n_train + steps - 1)
    for name, pr in (("insample", ins), ("forecast", oos)):
        out = {"mean": np.asarray(pr.predicted_mean).tolist()}
        for alpha in (0.2, 0.05):
            ci = np.asarray(pr.conf_int(alpha=alpha))
            out[f"alpha{alpha}"] = {"lower": ci[:, 0].tolist(), "upper": ci[:, 1].tolist()}
        case[name] = out
    cases.append(case)

path = os.path.join(FIXTURES, "ar_interval.json")
with open(path, "w") as f:
    json.dump({
        "statsmodels_version": statsmodels.__version__,
        "generated_by": "tools/reference/ar_interval_statsmodels.py",
        "regenerate": "/usr/bin/python3 tools/reference/ar_interval_statsmodels.py",
        "y": y.tolist(), "n_train": n_train, "steps": steps, "cases": cases,
    }, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {os.path.relpath(path, ROOT)}")
