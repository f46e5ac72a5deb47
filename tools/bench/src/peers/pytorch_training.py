"""PyTorch peer of the backend-training suite (tools/bench/src/suites/backend-training.ts).

Trains the suite's two networks with PyTorch on the CPU, layer for layer the same as tensorfold's:
- MLP 784-512-256-10, ReLU, Adam (learning rate 1e-3), cross-entropy, batch 128;
- LeNet-5 (compact): conv 8@3x3 same, max-pool 2, conv 16@5x5 valid, max-pool 2, dense 120, 84, 10;
  ReLU, Adam (1e-3), cross-entropy, batch 64 (62,430 parameters), in PyTorch's own NCHW layout.
The softmax sits inside the loss (`CrossEntropyLoss`), as PyTorch users write it.

And two deeper networks of the cnn-training suite (tools/bench/src/suites/cnn-training.ts), as
`@tensorfold/models-cnn` builds them on 28x28x1 images, batch 32, Adam (1e-3); batch normalization
with Keras's epsilon (1e-3) and momentum (0.99, which is PyTorch's momentum 0.01):
- "vggsmall": `vggSmall({dropout: 0})`: 3 blocks of (conv 3x3 no bias, BN, ReLU) x2 + max-pool 2 with
  32/64/128 filters, flatten, dense 256 (no bias), BN, ReLU, dense 10 (586,282 parameters);
- "resnetsmall": `resnetSmall()`: conv 3x3 16 + BN + ReLU stem, 3 stages (16/32/64) of 2 basic residual
  blocks (strided 1x1 projection + BN where the shape changes), global average pool, dense 10.

Protocol, one JSON object per line: the suite writes {"network": "mlp" | "lenet5", "steps": N,
"threads": T} on stdin, optionally with "data": PATH; this process runs N optimization steps with T
intra-op threads and answers {"seconds": S, "cpu_seconds": C} (wall time of the N steps, and the CPU
time this process spent in them, all its threads) on stdout. Without "data" every step trains on a
fixed random batch; with it, on the images of the raw file PATH (training-data.ts's writePeerData: the
pixels as unsigned bytes, 784 an image, then one label byte an image), pixels / 255, cut into
consecutive batches, step i of every request on batch i mod their count, as the suite's own sides do.
The first request for a (network, data) pair builds the network;
the first request for a (network, data, threads) triple warms that setting up with untimed steps for at least
WARMUP_SECONDS (and WARMUP_STEPS steps): switching the thread count re-sizes PyTorch's thread pool,
and a cold pool or cold caches once made a round 4x slower than the next. It exits when stdin closes.
"""
import json
import sys
import time

import torch
from torch import nn

BATCH = {"mlp": 128, "lenet5": 64, "vggsmall": 32, "resnetsmall": 32}
WARMUP_SECONDS = 1.0
WARMUP_STEPS = 5


def bn(channels, dims=2):
    """Batch normalization with Keras's defaults (epsilon 1e-3, moving-average momentum 0.99)."""
    kind = nn.BatchNorm2d if dims == 2 else nn.BatchNorm1d
    return kind(channels, eps=1e-3, momentum=0.01)


def vgg_small():
    layers, channels = [], 1
    for filters in (32, 64, 128):
        for _ in range(2):
            layers += [nn.Conv2d(channels, filters, 3, padding=1, bias=False), bn(filters), nn.ReLU()]
            channels = filters
        layers.append(nn.MaxPool2d(2))
    return nn.Sequential(
        *layers, nn.Flatten(),
        nn.Linear(128 * 3 * 3, 256, bias=False), bn(256, dims=1), nn.ReLU(),
        nn.Linear(256, 10),
    )


class BasicBlock(nn.Module):
    """He et al.'s basic block as models-cnn's `basicBlock`: conv-BN-ReLU-conv-BN + shortcut, ReLU."""

    def __init__(self, channels, filters, stride):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, filters, 3, stride=stride, padding=1, bias=False), bn(filters), nn.ReLU(),
            nn.Conv2d(filters, filters, 3, padding=1, bias=False), bn(filters),
        )
        self.shortcut = nn.Identity()
        if stride != 1 or channels != filters:
            self.shortcut = nn.Sequential(nn.Conv2d(channels, filters, 1, stride=stride, bias=False), bn(filters))

    def forward(self, x):
        return torch.relu(self.shortcut(x) + self.body(x))


def resnet_small():
    layers, channels = [nn.Conv2d(1, 16, 3, padding=1, bias=False), bn(16), nn.ReLU()], 16
    for stage, filters in enumerate((16, 32, 64)):
        for block in range(2):
            layers.append(BasicBlock(channels, filters, 2 if stage > 0 and block == 0 else 1))
            channels = filters
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))


def build(network):
    if network == "vggsmall":
        return vgg_small()
    if network == "resnetsmall":
        return resnet_small()
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


def input_shape(network, batch):
    """The network's input batch shape: rows of 784 for the MLP, NCHW images for the convnets."""
    return (batch, 784) if network == "mlp" else (batch, 1, 28, 28)


def read_batches(path, network):
    """The raw file's images (pixels / 255) and labels (class ids) as consecutive batches of the network's size."""
    with open(path, "rb") as f:
        raw = f.read()
    count = len(raw) // 785
    batch = BATCH[network]
    if count * 785 != len(raw) or count < batch:
        raise ValueError(f"{path}: {len(raw)} bytes is not a whole number (>= {batch}) of 784-pixel images with labels")
    data = torch.frombuffer(bytearray(raw), dtype=torch.uint8)
    pixels = data[: count * 784].to(torch.float32).div_(255)
    labels = data[count * 784:].to(torch.int64)
    return [
        (pixels[k * batch * 784:(k + 1) * batch * 784].reshape(input_shape(network, batch)),
         labels[k * batch:(k + 1) * batch])
        for k in range(count // batch)
    ]


def random_batch(network):
    """The fixed random batch: pixels in [0, 1), random class ids (seeded)."""
    generator = torch.Generator().manual_seed(1)
    x = torch.rand(input_shape(network, BATCH[network]), generator=generator)
    y = torch.randint(0, 10, (BATCH[network],), generator=generator)
    return [(x, y)]


class Trainer:
    def __init__(self, network, data=None):
        self.batches = random_batch(network) if data is None else read_batches(data, network)
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
            self.step(steps)
            steps += 1

    def step(self, i):
        x, y = self.batches[i % len(self.batches)]
        self.optimizer.zero_grad()
        self.loss(self.model(x), y).backward()
        self.optimizer.step()

    def run(self, steps):
        for i in range(steps):
            self.step(i)


def main():
    trainers = {}
    for line in sys.stdin:
        request = json.loads(line)
        threads = int(request["threads"])
        torch.set_num_threads(threads)
        key = (request["network"], request.get("data"))
        if key not in trainers:
            trainers[key] = Trainer(*key)
        trainers[key].warm_up(threads)
        start, cpu_start = time.perf_counter(), time.process_time()
        trainers[key].run(int(request["steps"]))
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
        print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds}), flush=True)


if __name__ == "__main__":
    main()
