"""PyTorch peer of the backend-training suite (tools/bench/src/suites/backend-training.ts).

Trains the suite's two networks with PyTorch on the CPU, layer for layer the same as tensorfold's:
- MLP 784-512-256-10, ReLU, Adam (learning rate 1e-3), cross-entropy, batch 128;
- LeNet-5 (compact): conv 8@3x3 same, max-pool 2, conv 16@5x5 valid, max-pool 2, dense 120, 84, 10;
  ReLU, Adam (1e-3), cross-entropy, batch 64 (62,430 parameters), in PyTorch's own NCHW layout.
The softmax sits inside the loss (`CrossEntropyLoss`), as PyTorch users write it.

Protocol, one JSON object per line: the suite writes {"network": "mlp" | "lenet5", "steps": N,
"threads": T} on stdin; this process runs N optimization steps on a fixed random batch with T
intra-op threads and answers {"seconds": S, "cpu_seconds": C} (wall time of the N steps, and the CPU
time this process spent in them, all its threads) on stdout. The first request for a network builds it;
the first request for a (network, threads) pair warms that setting up with untimed steps for at least
WARMUP_SECONDS (and WARMUP_STEPS steps): switching the thread count re-sizes PyTorch's thread pool,
and a cold pool or cold caches once made a round 4x slower than the next. It exits when stdin closes.
"""
import json
import sys
import time

import torch
from torch import nn

BATCH = {"mlp": 128, "lenet5": 64}
WARMUP_SECONDS = 1.0
WARMUP_STEPS = 5


def build(network):
    if network == "mlp":
        return nn.Sequential(
            nn.Linear(784, 512), nn.ReLU(),
            nn.Linear(512, 256), nn.ReLU(),
            nn.Linear(256, 10),
        )
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )


class Trainer:
    def __init__(self, network):
        generator = torch.Generator().manual_seed(1)
        shape = (BATCH[network], 784) if network == "mlp" else (BATCH[network], 1, 28, 28)
        self.x = torch.rand(shape, generator=generator)
        self.y = torch.randint(0, 10, (BATCH[network],), generator=generator)
        self.model = build(network)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.loss = nn.CrossEntropyLoss()
        self.warm = set()

    def warm_up(self, threads):
        """Untimed steps with `threads` threads, once per thread count (see the module doc)."""
        if threads in self.warm:
            return
        self.warm.add(threads)
        start = time.perf_counter()
        steps = 0
        while steps < WARMUP_STEPS or time.perf_counter() - start < WARMUP_SECONDS:
            self.run(1)
            steps += 1

    def run(self, steps):
        for _ in range(steps):
            self.optimizer.zero_grad()
            self.loss(self.model(self.x), self.y).backward()
            self.optimizer.step()


def main():
    trainers = {}
    for line in sys.stdin:
        request = json.loads(line)
        threads = int(request["threads"])
        torch.set_num_threads(threads)
        network = request["network"]
        if network not in trainers:
            trainers[network] = Trainer(network)
        trainers[network].warm_up(threads)
        start, cpu_start = time.perf_counter(), time.process_time()
        trainers[network].run(int(request["steps"]))
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
        print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds}), flush=True)


if __name__ == "__main__":
    main()
