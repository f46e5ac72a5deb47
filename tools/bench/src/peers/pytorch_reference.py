"""A standalone PyTorch reference for the backend-training suite's PyTorch peer (issue 22).

The same step as `pytorch_training.py` (MLP 784-512-256-10 with batch 128, or LeNet-5 with batch 64;
Adam 1e-3, cross-entropy, a fixed random batch), written as a PyTorch user writes it and run on its
own, with no Node process and no pipe around it, so that the bench's in-process figure can be checked
against it in the same minutes:

    /usr/bin/python3 tools/bench/src/peers/pytorch_reference.py lenet5 --threads 1

It prints the settings that decide PyTorch's speed (intra-op and inter-op threads, the BLAS and OpenMP
environment, the nice value), then one line per timed round (samples/s, CPU seconds per wall second,
and which of the process's threads spent the CPU time), then the median and the range. `--json`
prints one JSON object instead. Like the bench's peer, it keeps OpenBLAS on one thread unless
OPENBLAS_NUM_THREADS is set: `torch.set_num_threads` does not reach OpenBLAS (Debian's torch calls
it through libblas.so.3 for `nn.Linear`), which otherwise runs the dense layers on every core.
"""
import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before torch loads OpenBLAS

import torch  # noqa: E402
from torch import nn  # noqa: E402

BATCH = {"mlp": 128, "lenet5": 64}
TICKS = os.sysconf("SC_CLK_TCK")


def build(network, conv1):
    if network == "mlp":
        return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
    filters, size = (int(n) for n in conv1.split("x"))
    return nn.Sequential(
        nn.Conv2d(1, filters, size, padding=size // 2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(filters, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


def thread_cpu_ticks():
    """CPU ticks (user + system) of each of this process's threads, by thread id."""
    ticks = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks[tid] = int(fields[11]) + int(fields[12])
        except OSError:
            continue
    return ticks


def settings():
    env = {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    return {
        "torch": torch.__version__,
        "intra_op_threads": torch.get_num_threads(),
        "inter_op_threads": torch.get_num_interop_threads(),
        "env": env,
        "nice": os.nice(0),
        "mkldnn": torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("network", choices=sorted(BATCH), nargs="?", default="lenet5")
    parser.add_argument("--threads", type=int, default=1, help="intra-op threads (default 1)")
    parser.add_argument("--warmup", type=float, default=2.0, help="untimed seconds first (default 2)")
    parser.add_argument("--rounds", type=int, default=9, help="timed rounds (default 9)")
    parser.add_argument("--steps", type=int, default=30, help="steps per round (default 30)")
    parser.add_argument(
        "--conv1", default="8x3",
        help="LeNet-5's first convolution, FILTERSxSIZE (default 8x3, the suite's; 6x5 is the classic one)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    generator = torch.Generator().manual_seed(1)
    batch = BATCH[args.network]
    shape = (batch, 784) if args.network == "mlp" else (batch, 1, 28, 28)
    x = torch.rand(shape, generator=generator)
    y = torch.randint(0, 10, (batch,), generator=generator)
    model = build(args.network, args.conv1)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    start = time.perf_counter()
    while time.perf_counter() - start < args.warmup:
        step()

    rounds = []
    for _ in range(args.rounds):
        ticks0, wall0, cpu0 = thread_cpu_ticks(), time.perf_counter(), time.process_time()
        for _ in range(args.steps):
            step()
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        ticks1 = thread_cpu_ticks()
        busy = sum(1 for tid, t in ticks1.items() if t - ticks0.get(tid, 0) > 0)
        rounds.append({
            "samples_per_s": args.steps * batch / wall,
            "samples_per_cpu_s": args.steps * batch / max(cpu, 1e-9),
            "cpu_per_wall": cpu / wall,
            "busy_threads": busy,
        })

    rates = [r["samples_per_s"] for r in rounds]
    summary = {
        "network": args.network,
        "settings": settings(),
        "threads_in_process": len(thread_cpu_ticks()),
        "median": statistics.median(rates),
        "median_per_cpu_s": statistics.median(r["samples_per_cpu_s"] for r in rounds),
        "min": min(rates),
        "max": max(rates),
        "rounds": rounds,
    }
    if args.json:
        print(json.dumps(summary))
        return
    print(json.dumps(summary["settings"]))
    for r in rounds:
        print(
            f"{r['samples_per_s']:8.0f} samples/s  {r['samples_per_cpu_s']:8.0f} per CPU second"
            f"  CPU/wall {r['cpu_per_wall']:.2f}  threads busy {r['busy_threads']}"
        )
    print(
        f"{args.network}: median {summary['median']:.0f} samples/s (min {summary['min']:.0f},"
        f" max {summary['max']:.0f}), {summary['median_per_cpu_s']:.0f} per CPU second"
    )


if __name__ == "__main__":
    sys.exit(main())
