"""PyTorch hand-off check: runs rnnkit's PyTorch exports under PyTorch and compares them with rnnkit.

    npx tsx tools/pytorch-handoff.ts            # rnnkit: models, golden exports, reference.json
    /usr/bin/python3 tools/reference/pytorch_handoff.py

For every export in test/fixtures/pytorch-handoff/golden/ it imports the generated model.py and
checks that forecast(), generate() (greedy: token for token; sampled with rnnkit's seeds too) and
predict() equal rnnkit's outputs in reference.json (to 1e-5), then runs the generated train_ddp.py
with two processes on the CPU (gloo, torch.distributed.run) for a few steps. It writes
test/fixtures/pytorch-handoff/record.json: what was compared, the largest errors, the DDP losses
before and after, and the hash of the golden files it checked (test/cli/export.test.ts requires
that hash to be the golden files' current one, so a generator change must be re-verified here).
"""
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

import torch

sys.dont_write_bytecode = True  # no __pycache__ in the golden folders
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "pytorch-handoff")
GOLDEN = os.path.join(ROOT, "golden")
TOL = 1e-5
DDP_STEPS = 6


def golden_hash():
    """sha256 over 'path NUL sha256(content) LF' of every golden file, sorted by path (as the TS test)."""
    lines = []
    for dirpath, dirnames, filenames in os.walk(GOLDEN):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for f in filenames:
            p = os.path.join(dirpath, f)
            rel = os.path.relpath(p, GOLDEN).replace(os.sep, "/")
            with open(p, "rb") as fh:
                lines.append(rel + "\0" + hashlib.sha256(fh.read()).hexdigest() + "\n")
    return hashlib.sha256("".join(sorted(lines)).encode("utf-8")).hexdigest()


def load_export(name):
    path = os.path.join(GOLDEN, name, "model.py")
    spec = importlib.util.spec_from_file_location("export_" + name.replace("-", "_"), path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def compare(got, want):
    err = max((abs(a - b) for a, b in zip(got, want)), default=0.0)
    rel = max((abs(a - b) / max(1.0, abs(b)) for a, b in zip(got, want)), default=0.0)
    return {"count": len(want), "maxAbsError": err, "maxRelError": rel, "pass": len(got) == len(want) and err <= TOL}


def check_forecaster(mod, ref):
    inputs = ref["inputs"]
    values = inputs if len(inputs) > 1 else next(iter(inputs.values()))
    got = mod.forecast(values, ref["steps"])
    r = compare(got, ref["forecast"])
    r.update({"what": "forecast(values, " + str(ref["steps"]) + ") vs rnnkit forecast (unrounded library values)", "python": got})
    # the CLI's printed values (6 significant digits) too
    r["cliRoundedMatch"] = all(float("%.6g" % a) == b or abs(a - b) <= 5e-6 * max(1.0, abs(b)) for a, b in zip(got, ref["cliForecast"]))
    r["pass"] = r["pass"] and r["cliRoundedMatch"]
    return r


def check_lm(mod, ref):
    out = {}
    net = mod.build()
    g = mod.generate(ref["prefix"], ref["length"], temperature=0, net=net)
    out["greedy"] = {"pass": g.tokens == ref["greedy"]["tokens"] and g.text == ref["greedy"]["text"], "tokens": len(g.tokens),
                     "firstMismatch": next((i for i, (a, b) in enumerate(zip(g.tokens, ref["greedy"]["tokens"])) if a != b), None)}
    g2 = mod.generate(ref["prefix"], ref["length"], greedy=True, net=net)
    out["greedyFlag"] = {"pass": g2.tokens == ref["greedy"]["tokens"]}
    for key in ("sampled", "sampledTopK"):
        s = ref[key]
        g = mod.generate(ref["prefix"], ref["length"], temperature=s["temperature"], seed=s["seed"], top_k=s["topK"], net=net)
        out[key] = {"pass": g.tokens == s["tokens"], "temperature": s["temperature"], "seed": s["seed"], "topK": s["topK"],
                    "firstMismatch": next((i for i, (a, b) in enumerate(zip(g.tokens, s["tokens"])) if a != b), None)}
    out["pass"] = all(v["pass"] for v in out.values())
    return out


def check_classifier(mod, ref):
    x = torch.tensor(ref["x"]["data"], dtype=torch.float32).reshape(ref["x"]["shape"])
    p = mod.predict(x, ref["lengths"])
    r = compare(p.logits.reshape(-1).tolist(), ref["logits"]["data"])
    r["what"] = "predict(x, lengths).logits vs rnnkit's SequenceClassifier.forward (packed by lengths)"
    r["classesMatch"] = p.classes == ref["classes"]
    r["pass"] = r["pass"] and r["classesMatch"]
    return r


def free_port():
    """A port nobody listens on now (a fixed one may be taken on a shared machine, and gloo then waits)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_ddp(name):
    """train_ddp.py on two processes (gloo), in a copy of the export so the golden folder stays clean."""
    work = tempfile.mkdtemp(prefix="rnnkit-ddp-")
    try:
        folder = os.path.join(work, name)
        shutil.copytree(os.path.join(GOLDEN, name), folder)
        out = os.path.join(work, "record.json")
        cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2", "--master_addr", "127.0.0.1", "--master_port", str(free_port()),
               # Debian's torch 1.13 under Python 3.11 cannot parse the default "--redirects 0 --tee 0"
               # (Std.from_str iterates an IntFlag, which no longer yields its zero member): name a non-zero one
               "--redirects", "1", "--tee", "1",
               os.path.join(folder, "train_ddp.py"), "--steps", str(DDP_STEPS), "--batch-size", "4", "--lr", "0.01",
               "--save", os.path.join(work, "trained.safetensors"), "--json", out]
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", OMP_NUM_THREADS="1")
        # its own process group, so a hung run is stopped with its workers
        p = subprocess.Popen(cmd, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            stdout, stderr = p.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            return {"pass": False, "error": "timed out after 300 s"}
        if p.returncode != 0:
            return {"pass": False, "error": (stderr or stdout).strip().splitlines()[-5:]}
        with open(out) as f:
            rec = json.load(f)
        # the written weights load back into the exported module under the same names
        sys.path.insert(0, folder)
        spec = importlib.util.spec_from_file_location("ddp_" + name.replace("-", "_"), os.path.join(folder, "model.py"))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        sys.path.pop(0)
        net = mod.build(folder)
        trained = mod.read_safetensors(os.path.join(work, "trained.safetensors"))
        net.load_state_dict(trained)
        changed = any(not torch.equal(trained[k], v) for k, v in mod.build(folder).state_dict().items())
        rec.pop("saved", None)
        rec.update({"command": "python -m torch.distributed.run --nproc_per_node=2 --master_addr 127.0.0.1 --redirects 1 --tee 1 train_ddp.py --steps " + str(DDP_STEPS) + " --batch-size 4 --lr 0.01",
                    "weightsChanged": changed, "lossDecreased": rec["lossAfter"] < rec["lossBefore"]})
        rec["pass"] = rec["worldSize"] == 2 and changed and rec["lossAfter"] == rec["lossAfter"]
        return rec
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    with open(os.path.join(ROOT, "reference.json")) as f:
        reference = json.load(f)
    # --only NAME[,NAME]: rerun those cases and keep the others' results from record.json, which must
    # have been made on the same golden files (a DDP run can time out on a machine under heavy load)
    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else None
    results = {}
    if only:
        with open(os.path.join(ROOT, "record.json")) as f:
            old = json.load(f)
        if old["goldenHash"] != golden_hash():
            sys.exit("--only: record.json was made on other golden files; run every case")
        results = {k: v for k, v in old["cases"].items() if k not in only}
    for name in sorted(reference):
        if only and name not in only:
            continue
        ref = reference[name]
        mod = load_export(name)
        check = {"forecaster": check_forecaster, "language-model": check_lm, "classifier": check_classifier}[ref["kind"]]
        r = {"kind": ref["kind"], "compare": check(mod, ref)}
        if os.path.exists(os.path.join(GOLDEN, name, "train_ddp.py")):
            r["ddp"] = run_ddp(name)
            if not r["ddp"]["pass"]:  # once more: a shared machine can starve a run past its timeout
                first = r["ddp"]
                r["ddp"] = run_ddp(name)
                r["ddp"]["firstAttempt"] = first
        r["pass"] = r["compare"]["pass"] and r.get("ddp", {"pass": True})["pass"]
        results[name] = r
        print(name, "pass" if r["pass"] else "FAIL", json.dumps({k: v for k, v in r["compare"].items() if k != "python"})[:300],
              ("ddp loss " + format(r["ddp"].get("lossBefore", float("nan")), ".5f") + " -> " + format(r["ddp"].get("lossAfter", float("nan")), ".5f")) if "ddp" in r else "")
    record = {
        "generatedBy": "tools/reference/pytorch_handoff.py",
        "torch": torch.__version__, "python": platform.python_version(),
        "tolerance": TOL, "goldenHash": golden_hash(),
        "allPassed": all(r["pass"] for r in results.values()),
        "cases": {k: results[k] for k in sorted(results)},
        **({"rerunCases": only} if only else {}),
    }
    with open(os.path.join(ROOT, "record.json"), "w") as f:
        json.dump(record, f, indent=1)
        f.write("\n")
    print("allPassed", record["allPassed"], "goldenHash", record["goldenHash"])
    return 0 if record["allPassed"] else 1


if __name__ == "__main__":
    sys.exit(main())
