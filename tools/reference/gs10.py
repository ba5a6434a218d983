"""Produce test/fixtures/gs10.json and test/fixtures/gs10_init.safetensors (float32).

Replicates the tutorial's "5.2 RNN模型预测" experiment
(/work/shared/seed/000_26c4592ce80c5c45.txt): monthly GS10 yields
2018-02..2022-12 (59 values, as printed in the tutorial), windows of
seq_len=6, RNNModel = nn.RNN(1, 10, 1, batch_first=True) -> relu -> nn.Linear(10, 1),
zero initial state, criterion = MSELoss(reduction='none') summed,
Adam(lr=0.01), batch_size=4, 20 epochs.

DataLoader(shuffle=True) is replaced by per-epoch permutations from
torch.randperm(53, generator=g) (recorded), batches taken consecutively.
"""
import torch
from torch import nn

from _common import T, header, write_json, write_safetensors

torch.manual_seed(42)

# GS10 (FRED), as printed by the tutorial (`x` tensor), 2018-02-01 .. 2022-12-01.
VALUES = [
    2.86, 2.84, 2.87, 2.98, 2.91, 2.89, 2.89, 3.00, 3.15,
    3.12, 2.83, 2.71, 2.68, 2.57, 2.53, 2.40, 2.07, 2.06,
    1.63, 1.70, 1.71, 1.81, 1.86, 1.76, 1.50, 0.87, 0.66,
    0.67, 0.73, 0.62, 0.65, 0.68, 0.79, 0.87, 0.93, 1.08,
    1.26, 1.61, 1.64, 1.62, 1.52, 1.32, 1.28, 1.37, 1.58,
    1.56, 1.47, 1.76, 1.93, 2.13, 2.75, 2.90, 3.14, 2.90,
    2.90, 3.52, 3.98, 3.89, 3.62,
]
DATES = [f"{2018 + (m // 12)}-{m % 12 + 1:02d}-01" for m in range(1, 1 + len(VALUES))]
assert len(VALUES) == 59 and DATES[0] == "2018-02-01" and DATES[-1] == "2022-12-01"

SEQ_LEN, BATCH_SIZE, NUM_HIDDENS, LR, NUM_EPOCHS = 6, 4, 10, 0.01, 20


class RNNModel(nn.Module):
    """Same as the tutorial's RNNModel (attributes `rnn` and `linear`)."""

    def __init__(self, input_size, output_size, num_hiddens, n_layers):
        super().__init__()
        self.num_hiddens = num_hiddens
        self.n_layers = n_layers
        self.rnn = nn.RNN(input_size, num_hiddens, n_layers, batch_first=True)
        self.linear = nn.Linear(num_hiddens, output_size)

    def forward(self, X):
        state = torch.zeros(self.n_layers, X.size(0), self.num_hiddens)
        output, state = self.rnn(X, state)
        output = self.linear(torch.relu(output))
        return output, state


# ---- data (exactly the tutorial's construction) ---------------------------
x = torch.tensor(VALUES)  # float32
num = len(x)
X_feature = torch.zeros((num - SEQ_LEN, SEQ_LEN))
Y_label = torch.zeros((num - SEQ_LEN, SEQ_LEN))
for i in range(SEQ_LEN):
    X_feature[:, i] = x[i: num - SEQ_LEN + i]
    Y_label[:, i] = x[i + 1: num - SEQ_LEN + i + 1]
X_in = X_feature.unsqueeze(2)  # [53, 6, 1]
N = X_in.shape[0]

model = RNNModel(1, 1, NUM_HIDDENS, 1)
criterion = nn.MSELoss(reduction="none")
trainer = torch.optim.Adam(model.parameters(), LR)
initial_state = {k: v.detach().clone() for k, v in model.state_dict().items()}

g = torch.Generator().manual_seed(2024)
permutations = [torch.randperm(N, generator=g) for _ in range(NUM_EPOCHS)]


def batches(perm):
    for s in range(0, N, BATCH_SIZE):
        idx = perm[s: s + BATCH_SIZE]
        yield X_in[idx], Y_label[idx]


train_loss_per_batch, epoch_loss = [], []
for epoch in range(NUM_EPOCHS):
    model.train()
    for X, Y in batches(permutations[epoch]):
        trainer.zero_grad()
        y_pred, state = model(X)
        loss = criterion(y_pred.squeeze(), Y.squeeze())  # [B, 6] (or [6] for the batch of 1)
        loss.sum().backward()
        trainer.step()
        if epoch == 0:
            train_loss_per_batch.append(loss.sum().item())
    model.eval()
    with torch.no_grad():
        total_loss, n_batches = 0, 0
        for X, Y in batches(permutations[epoch]):
            y_pred, state = model(X)
            loss = criterion(y_pred.squeeze(), Y.squeeze())
            total_loss += loss.sum() / loss.numel()
            n_batches += 1
        epoch_loss.append((total_loss / n_batches).item())

with torch.no_grad():
    final_mse_all = criterion(model(X_in)[0].squeeze(2), Y_label).mean().item()

NOTES = (
    "Model: tutorial's RNNModel with attributes `rnn` (nn.RNN(1,10,1,batch_first=True)) and `linear` "
    "(nn.Linear(10,1)); forward: h0 = zeros(1,B,10); output,_ = rnn(X,h0); y = linear(relu(output)) "
    "-> [B,6,1]. Loss per batch: MSELoss(reduction='none')(y.squeeze(), Y.squeeze()).sum() (squared "
    "errors summed over batch and the 6 time steps; for the last batch of 1 both squeeze to [6]); "
    "Adam(lr=0.01), 20 epochs; each epoch uses permutations[epoch] (torch.randperm(53) from "
    "torch.Generator().manual_seed(2024)), batches = consecutive chunks of 4 indices (13 batches of 4, "
    "last batch of 1 = 14 batches). train_loss_per_batch: the summed loss of each of the 14 epoch-1 "
    "batches, computed before that batch's optimizer step. epoch_loss[e]: the tutorial's 'Validation "
    "loss' avg_loss after epoch e+1 (no grad, after all of that epoch's steps): for each of the 14 "
    "batches, in the SAME permutation/batching as that epoch's training (the tutorial's DataLoader "
    "would reshuffle; the per-batch weighting makes the value batching-dependent), take "
    "loss.sum()/loss.numel() (the batch's mean squared error), sum over batches, divide by 14 "
    "(len(train_loader)). final_mse_all: plain mean of squared errors over all 53x6 targets with the "
    "final parameters. model.eval() has no effect (no dropout)."
)

out = header("gs10.py")
out.update({
    "dtype": "float32",
    "source": "/work/shared/seed/000_26c4592ce80c5c45.txt, section 5.2 (RNN模型预测)",
    "notes": NOTES,
    "dates": DATES,
    "values": VALUES,
    "hyperparameters": {"seqLen": SEQ_LEN, "batchSize": BATCH_SIZE, "inputSize": 1, "hiddenSize": NUM_HIDDENS,
                        "numLayers": 1, "outputSize": 1, "lr": LR, "numEpochs": NUM_EPOCHS},
    "X_feature": T(X_feature),
    "Y_label": T(Y_label),
    "permutations": [p.tolist() for p in permutations],
    "initial_state": {k: T(v) for k, v in initial_state.items()},
    "train_loss_per_batch": train_loss_per_batch,
    "epoch_loss": epoch_loss,
    "final_state": {k: T(v) for k, v in model.state_dict().items()},
    "final_mse_all": final_mse_all,
})
write_json("gs10.json", out)


# ---- safetensors (hand-written format, see _common.write_safetensors) ----
write_safetensors("gs10_init.safetensors", initial_state, {"format": "pt"})
