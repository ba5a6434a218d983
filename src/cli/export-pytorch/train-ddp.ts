// The generated train_ddp.py: continues training the exported weights with torchrun and
// DistributedDataParallel on the data `rnnkit export --data` wrote. The same file for every
// model kind: model.py supplies build(), training_data() and loss().

export const TRAIN_DDP_PY = String.raw`"""Continue training the exported rnnkit model with DistributedDataParallel.

Two processes on the CPU (gloo):
    torchrun --nproc_per_node=2 --master_addr 127.0.0.1 --master_port 29500 train_ddp.py --steps 100
(torch 1.13 under Python 3.11 fails to parse torchrun's default "--redirects 0 --tee 0" with
"'NoneType' object has no attribute 'get'": add "--redirects 1 --tee 1".)
One process without torchrun:
    python train_ddp.py --steps 100

It starts from the weights in model.safetensors, reads the training data that
rnnkit export --data wrote into data/ (see README.md), and writes the trained weights, with the
same parameter names, to --save (default trained.safetensors in the current directory). Copy
that file over model.safetensors to forecast/generate/predict with it through model.py.
"""
import argparse
import json
import os
import sys

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import model as exported  # noqa: E402  (model.py next to this file)


def parse_args():
    config = exported.load_config(HERE)
    training = config.get("training") or {}
    p = argparse.ArgumentParser(description="continue training an rnnkit export with DistributedDataParallel")
    p.add_argument("--steps", type=int, default=100, help="optimizer steps (each process takes its share of every batch)")
    p.add_argument("--batch-size", type=int, default=int(training.get("batchSize") or 32), help="samples per process and step")
    p.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate")
    p.add_argument("--clip", type=float, default=1.0, help="clip the gradient norm to this (0: no clipping)")
    p.add_argument("--seed", type=int, default=0, help="seed for the data order (the same in every process)")
    p.add_argument("--backend", default="gloo", help="gloo (CPU) or nccl (one GPU per process)")
    p.add_argument("--save", default="trained.safetensors", help="where rank 0 writes the trained weights")
    p.add_argument("--json", default=None, help="also write the losses before and after as JSON here")
    return p.parse_args()


def mean_loss(net, loader, config):
    """The loss over this process's shard, averaged over every process (weighted by samples)."""
    total = torch.zeros(2, dtype=torch.float64)
    net.eval()
    with torch.no_grad():
        for batch in loader:
            n = len(batch[0])
            total += torch.tensor([exported.loss(net, batch, config).item() * n, n], dtype=torch.float64)
    net.train()
    dist.all_reduce(total)
    return (total[0] / total[1]).item()


def check_save_path(path):
    """Refuse to overwrite a file that this script did not write (no rnnkit marker in its metadata)."""
    if not os.path.exists(path):
        return
    try:
        with open(path, "rb") as f:
            n = int.from_bytes(f.read(8), "little")
            meta = json.loads(f.read(n)).get("__metadata__", {}) if n < 100_000_000 else {}
    except (OSError, ValueError):
        meta = {}
    if meta.get("format") != exported.EXPORT_FORMAT:
        sys.exit("train_ddp.py: --save " + path + " exists and was not written by train_ddp.py; refusing to overwrite it")


def main():
    args = parse_args()
    check_save_path(args.save)  # in every process, so that all of them stop, not only rank 0
    # without torchrun: a world of one process
    for k, v in (("RANK", "0"), ("WORLD_SIZE", "1"), ("MASTER_ADDR", "127.0.0.1"), ("MASTER_PORT", "29500")):
        os.environ.setdefault(k, v)
    dist.init_process_group(args.backend)
    rank, world = dist.get_rank(), dist.get_world_size()
    config = exported.load_config(HERE)
    net = exported.build(HERE)
    device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0))) if args.backend == "nccl" else torch.device("cpu")
    net = net.to(device).train()
    model = DistributedDataParallel(net, device_ids=[device.index] if device.type == "cuda" else None)
    data = exported.training_data(HERE)
    sampler = DistributedSampler(data, num_replicas=world, rank=rank, shuffle=True, seed=args.seed)
    loader = DataLoader(data, batch_size=args.batch_size, sampler=sampler)
    # the full loss, each process on its shard (no shuffling), before and after
    eval_loader = DataLoader(data, batch_size=args.batch_size, sampler=DistributedSampler(data, num_replicas=world, rank=rank, shuffle=False))
    to_device = lambda batch: [t.to(device) for t in batch]  # noqa: E731
    before = mean_loss(net, map(to_device, eval_loader), config)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    step, epoch = 0, 0
    while step < args.steps:
        sampler.set_epoch(epoch)  # a new order every epoch, the same in every process
        for batch in loader:
            optimizer.zero_grad()
            loss = exported.loss(model, to_device(batch), config)
            loss.backward()  # DDP averages the gradients of all processes here
            if args.clip > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            optimizer.step()
            step += 1
            if rank == 0 and (step % 10 == 0 or step == args.steps):
                print("step " + str(step) + "/" + str(args.steps) + "  loss " + format(loss.item(), ".6f"), flush=True)
            if step == args.steps:
                break
        epoch += 1
    after = mean_loss(net, map(to_device, eval_loader), config)
    if rank == 0:
        exported.write_safetensors(args.save, {k: v.cpu() for k, v in net.state_dict().items()},
                                   {"format": exported.EXPORT_FORMAT, "kind": config["kind"], "steps": args.steps})
        record = {"worldSize": world, "backend": args.backend, "steps": args.steps, "lossBefore": before, "lossAfter": after, "saved": os.path.abspath(args.save)}
        print(json.dumps(record), flush=True)
        if args.json:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(record, f, indent=2)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
