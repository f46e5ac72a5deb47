"""PyTorch peer of the layers-lstm suite (tools/bench/src/suites/layers-lstm.ts).

One training step of an LSTM(50) ("lstm"), a tanh RNN(50) ("rnn") or a GRU(50) ("gru") on a batch of 32
sequences of 60 steps and 5 features, as the suite's tensorfold networks: nn.LSTM, nn.RNN or nn.GRU (PyTorch's
own recurrences on the CPU), the last step's output through Linear(50, 1), mean squared error against
fixed targets, Adam (learning rate 1e-3).

Protocol (the one pytorch_training.py speaks): the suite writes {"network": "lstm" | "rnn" | "gru", "steps": N,
"threads": T} on stdin; this process runs N steps with T intra-op threads and answers {"seconds": S,
"cpu_seconds": C}. The first request warms up with untimed steps for at least WARMUP_SECONDS.
"""
import json
import sys
import time

import torch
from torch import nn

WARMUP_SECONDS = 1.0
WARMUP_STEPS = 5


class Trainer:
    def __init__(self, network):
        generator = torch.Generator().manual_seed(1)
        self.x = torch.rand((32, 60, 5), generator=generator) * 2 - 1
        self.y = torch.rand((32, 1), generator=generator)
        cell = {"lstm": nn.LSTM, "rnn": nn.RNN, "gru": nn.GRU}[network]
        self.lstm = cell(5, 50, batch_first=True)
        self.head = nn.Linear(50, 1)
        params = list(self.lstm.parameters()) + list(self.head.parameters())
        self.optimizer = torch.optim.Adam(params, lr=1e-3)
        self.loss = nn.MSELoss()
        self.warm = set()

    def warm_up(self, threads):
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
            out, _ = self.lstm(self.x)
            self.loss(self.head(out[:, -1]), self.y).backward()
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
        trainer = trainers[network]
        trainer.warm_up(threads)
        start, cpu_start = time.perf_counter(), time.process_time()
        trainer.run(int(request["steps"]))
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
        print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds}), flush=True)


if __name__ == "__main__":
    main()
