"""AR(p) reference: statsmodels AutoReg on the tutorial's GS10 values.

For p = 1, 2, 6: fits AutoReg(train, lags=p, trend='c') on a time-ordered training span (the first
47 of the 59 values), then records
  - params: [const, L1, ..., Lp] (OLS with an intercept, statsmodels' order),
  - fitted: the in-sample one-step predictions for train[p:],
  - one_step: one-step-ahead predictions over the last 12 values (the test span), each from the
    TRUE values before it, with the training parameters: AutoReg(full, ...).predict(params,
    start=47, end=58, dynamic=False),
  - forecast_train_end: the 6-step free-running forecast after the end of the training span
    (res.forecast(6)),
  - forecast_series_end: the 6-step free-running forecast after the end of the whole series,
    with the training parameters (AutoReg(full, ...).predict(params, start=59, end=64)).

Run with the system interpreter (Debian python3-statsmodels):
    /usr/bin/python3 tools/reference/ar_statsmodels.py
"""
import json
import os

import numpy as np
import statsmodels
from statsmodels.tsa.ar_model import AutoReg

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "test", "fixtures")

N_TRAIN = 47
N_TEST = 12
STEPS = 6
LAGS = [1, 2, 6]


def main():
    with open(os.path.join(FIXTURES, "gs10.json")) as f:
        values = json.load(f)["values"]
    y = np.asarray(values, dtype=np.float64)
    assert len(y) == N_TRAIN + N_TEST, len(y)
    train = y[:N_TRAIN]
    n = len(y)

    fits = {}
    for p in LAGS:
        res = AutoReg(train, lags=p, trend="c", old_names=False).fit()
        params = np.asarray(res.params)
        full = AutoReg(y, lags=p, trend="c", old_names=False)
        one_step = full.predict(params, start=N_TRAIN, end=n - 1, dynamic=False)
        fc_train = res.forecast(STEPS)
        fc_full = full.predict(params, start=n, end=n + STEPS - 1)
        fits[str(p)] = {
            "params": params.tolist(),
            "fitted": np.asarray(res.fittedvalues).tolist(),
            "one_step": np.asarray(one_step).tolist(),
            "forecast_train_end": np.asarray(fc_train).tolist(),
            "forecast_series_end": np.asarray(fc_full).tolist(),
        }

    out = {
        "statsmodels_version": statsmodels.__version__,
        "numpy_version": np.__version__,
        "generated_by": "tools/reference/ar_statsmodels.py",
        "regenerate": "/usr/bin/python3 tools/reference/ar_statsmodels.py",
        "dtype": "float64",
        "notes": "AutoReg(y[:47], lags=p, trend='c').fit() on the GS10 values of gs10.json; params are "
        "[const, L1..Lp]; fitted = in-sample predictions for train[p:]; one_step = predictions for "
        "indices 47..58 from the true lags (dynamic=False) with the training params; "
        "forecast_train_end = res.forecast(6); forecast_series_end = 6 steps after index 58 with the "
        "training params.",
        "values": values,
        "n_train": N_TRAIN,
        "n_test": N_TEST,
        "steps": STEPS,
        "fits": fits,
    }
    path = os.path.join(FIXTURES, "ar_statsmodels.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
