"""Reference values for rnnkit's initialisers (src/nn/init.ts), from torch.nn.init.

Prints one JSON object; test/nn/init.test.ts embeds it (the numbers are few, so no fixture file).
    PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 tools/reference/init_check.py

- orthogonal_: rnnkit's generator differs from torch's, so the check splits orthogonal_ into its
  Gaussian draw and its deterministic part. Re-seeding torch and drawing `new(rows, cols).normal_()`
  reproduces the Gaussian matrix orthogonal_ draws internally; rnnkit's `orthogonalFromGaussian`
  must map that matrix to torch's result.
- calculate_gain and the fans of a few weight shapes (xavier and kaiming are formulas of these;
  the TypeScript tests check their spreads statistically).
"""
import json

import torch


def ortho_case(shape, gain, seed):
    w = torch.empty(*shape, dtype=torch.float64)
    torch.manual_seed(seed)
    torch.nn.init.orthogonal_(w, gain=gain)
    rows = shape[0]
    cols = w.numel() // rows
    torch.manual_seed(seed)
    g = w.new(rows, cols).normal_(0, 1)
    return {"shape": list(shape), "gain": gain, "gaussian": g.reshape(-1).tolist(), "expected": w.reshape(-1).tolist()}


def fans(shape):
    t = torch.empty(*shape)
    return list(torch.nn.init._calculate_fan_in_and_fan_out(t))


def main():
    out = {"torch_version": torch.__version__, "generated_by": "tools/reference/init_check.py"}
    out["orthogonal"] = [ortho_case((3, 5), 1.0, 1), ortho_case((5, 3), 1.0, 2), ortho_case((4, 4), 2.0, 3), ortho_case((2, 3, 2), 0.5, 4)]
    out["gain"] = {
        "linear": torch.nn.init.calculate_gain("linear"),
        "sigmoid": torch.nn.init.calculate_gain("sigmoid"),
        "tanh": torch.nn.init.calculate_gain("tanh"),
        "relu": torch.nn.init.calculate_gain("relu"),
        "leaky_relu": torch.nn.init.calculate_gain("leaky_relu"),
        "leaky_relu_0.2": torch.nn.init.calculate_gain("leaky_relu", 0.2),
        "selu": torch.nn.init.calculate_gain("selu"),
    }
    out["fans"] = {"[7,3]": fans((7, 3)), "[4,3,5]": fans((4, 3, 5)), "[6,2,3,3]": fans((6, 2, 3, 3))}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
