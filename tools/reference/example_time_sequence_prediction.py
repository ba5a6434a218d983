"""Produce test/fixtures/pytorch_examples/time_sequence_prediction.json and
time_sequence_prediction_init.safetensors: PyTorch's examples/time_sequence_prediction
(generate_sine_wave.py + train.py) run at small sizes, for examples/pytorch/time_sequence_prediction/.

Same program as upstream, rewritten here without argparse, devices and matplotlib:
  data: x[n, :] = arange(L) + randint(-4T, 4T) per sequence (np.random.seed(2)), sin(x / T), float64;
    rows 3: train (input = all but the last column, target = all but the first), rows :3 test.
  Sequence: LSTMCell(1, 51) -> LSTMCell(51, 51) -> Linear(51, 1), float64, zero states, one
    step per column (input.chunk(input.size(1), dim=1)), then `future` steps fed their own output.
  np.random.seed(0), torch.manual_seed(0); MSELoss; LBFGS(lr=0.8); each step(closure) call
    prints every closure loss, then predicts the test rows under no_grad with `future` steps.
(The current upstream Sequence also holds an empty `dummy_param` only to find the device; the
earlier version used here, and the rnnkit port, have none.)

Sizes: N = 20 sequences of L = 100 (upstream 100 of 1000), T = 20, 3 steps (upstream 15),
future = 100 (upstream 1000). Recorded: the data, the initial state_dict (F64 safetensors),
every closure loss of every step, each step's test loss and the final prediction.
"""
import os

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

from _common import FIXTURES, T as tensor_json, header, write_json, write_safetensors

N, L, T = 20, 100, 20
STEPS, FUTURE = 3, 100


def generate_sine_wave():
    np.random.seed(2)
    x = np.empty((N, L), "int64")
    x[:] = np.array(range(L)) + np.random.randint(-4 * T, 4 * T, N).reshape(N, 1)
    return np.sin(x / 1.0 / T).astype("float64"), x[:, 0].tolist()


class Sequence(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm1 = nn.LSTMCell(1, 51)
        self.lstm2 = nn.LSTMCell(51, 51)
        self.linear = nn.Linear(51, 1)

    def forward(self, input, future=0):
        outputs = []
        h_t = torch.zeros(input.size(0), 51, dtype=torch.double)
        c_t = torch.zeros(input.size(0), 51, dtype=torch.double)
        h_t2 = torch.zeros(input.size(0), 51, dtype=torch.double)
        c_t2 = torch.zeros(input.size(0), 51, dtype=torch.double)

        for input_t in input.chunk(input.size(1), dim=1):
            h_t, c_t = self.lstm1(input_t, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        for i in range(future):  # if we should predict the future
            h_t, c_t = self.lstm1(output, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        return torch.cat(outputs, dim=1)


if __name__ == "__main__":
    wave, shifts = generate_sine_wave()
    np.random.seed(0)
    torch.manual_seed(0)
    data = torch.from_numpy(wave)
    input = data[3:, :-1]
    target = data[3:, 1:]
    test_input = data[:3, :-1]
    test_target = data[:3, 1:]
    seq = Sequence().double()
    initial = {k: v.detach().clone() for k, v in seq.state_dict().items()}
    criterion = nn.MSELoss()
    optimizer = optim.LBFGS(seq.parameters(), lr=0.8)
    steps = []
    for i in range(STEPS):
        closure_losses = []

        def closure():
            optimizer.zero_grad()
            out = seq(input)
            loss = criterion(out, target)
            closure_losses.append(loss.item())
            loss.backward()
            return loss
        optimizer.step(closure)
        with torch.no_grad():
            pred = seq(test_input, future=FUTURE)
            loss = criterion(pred[:, :-FUTURE], test_target)
        steps.append({"closureLosses": closure_losses, "testLoss": loss.item()})
        print(f"step {i}: {len(closure_losses)} closure calls, loss {closure_losses[0]:.6g} -> {closure_losses[-1]:.6g}, test loss {loss.item():.6g}")

    os.makedirs(os.path.join(FIXTURES, "pytorch_examples"), exist_ok=True)
    write_safetensors("pytorch_examples/time_sequence_prediction_init.safetensors", initial, {"format": "pt"})
    write_json("pytorch_examples/time_sequence_prediction.json", {
        **header("example_time_sequence_prediction.py"),
        "sizes": {"N": N, "L": L, "T": T, "steps": STEPS, "future": FUTURE, "lr": 0.8},
        "shifts": shifts,
        "data": tensor_json(data),
        "steps": steps,
        "finalPrediction": tensor_json(pred),
    })
