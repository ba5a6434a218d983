"""Rolling-origin backtest reference: statsmodels AutoReg refitted at every origin.

On the tutorial's GS10 values (test/fixtures/gs10.json, 59 monthly points), for the last
N_TEST = 12 points as the test span and each case (lags p, horizon H, retrain):
  - retrain "every": for each origin o = 47 … 59 − H, AutoReg(y[:o], lags=p, trend='c').fit()
    and res.forecast(H): the H-step recursive forecast of y[o : o + H];
  - retrain "never": one fit on y[:47], then for each origin the H-step forecast from the true
    values before it with those parameters: AutoReg(y[:o], ...).predict(params, start=o,
    end=o + H − 1) (dynamic from the origin);
  - "last": the last point of each forecast (Darts' last_points_only), with RMSE and MAE
    against y[o + H − 1].
rnnkit's forecast.backtest must reproduce every forecast to 1e-6.

Run with the system interpreter (Debian python3-statsmodels):
    /usr/bin/python3 tools/reference/backtest_statsmodels.py
"""
import json
import os

import numpy as np
import statsmodels
from statsmodels.tsa.ar_model import AutoReg

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "test", "fixtures")

N_TEST = 12
CASES = [
    {"p": 2, "horizon": 3, "retrain": "every"},
    {"p": 2, "horizon": 3, "retrain": "never"},
    {"p": 6, "horizon": 1, "retrain": "every"},
    {"p": 1, "horizon": 12, "retrain": "every"},
]


def run(y, p, horizon, retrain):
    n = len(y)
    first = n - N_TEST
    origins = list(range(first, n - horizon + 1))
    params = AutoReg(y[:first], lags=p, trend="c", old_names=False).fit().params
    forecasts = []
    for o in origins:
        if retrain == "every":
            res = AutoReg(y[:o], lags=p, trend="c", old_names=False).fit()
            fc = res.forecast(horizon)
        else:
            fc = AutoReg(y[:o], lags=p, trend="c", old_names=False).predict(params, start=o, end=o + horizon - 1)
        forecasts.append(np.asarray(fc, dtype=np.float64).tolist())
    last = np.array([f[-1] for f in forecasts])
    actual = y[[o + horizon - 1 for o in origins]]
    err = actual - last
    return {
        "p": p, "horizon": horizon, "retrain": retrain, "origins": origins, "forecasts": forecasts,
        "rmse": float(np.sqrt(np.mean(err ** 2))), "mae": float(np.mean(np.abs(err))),
    }


def main():
    with open(os.path.join(FIXTURES, "gs10.json")) as f:
        values = json.load(f)["values"]
    y = np.asarray(values, dtype=np.float64)
    out = {
        "statsmodels_version": statsmodels.__version__,
        "numpy_version": np.__version__,
        "generated_by": "tools/reference/backtest_statsmodels.py",
        "regenerate": "/usr/bin/python3 tools/reference/backtest_statsmodels.py",
        "dtype": "float64",
        "notes": "AutoReg(y[:o], lags=p, trend='c') refitted at every origin o of the last 12 GS10 values "
        "(retrain every) or fitted once on y[:47] (retrain never); H-step recursive forecasts per origin.",
        "values": values,
        "n_test": N_TEST,
        "cases": [run(y, **c) for c in CASES],
    }
    path = os.path.join(FIXTURES, "backtest_ar.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
