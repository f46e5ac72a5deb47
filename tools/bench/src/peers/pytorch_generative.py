"""PyTorch peer of the models-gan suite (tools/bench/src/suites/models-gan.ts).

Trains the suite's two generative models with PyTorch on the CPU, layer for layer the same as
@tensorfold/models-gan builds them (PyTorch's NCHW layout):
- "dcgan": dcgan({latentDim: 100, filters: 128}) for 28x28x1 images, batch 64: generator dense 100 ->
  7*7*128 (no bias), batch norm, LeakyReLU 0.2, transposed conv 64@4x4 stride 2 (no bias), batch norm,
  LeakyReLU, transposed conv 1@4x4 stride 2, tanh; discriminator conv 64@4x4 s2, LeakyReLU, dropout 0.3,
  conv 128@4x4 s2, LeakyReLU, dropout, dense 1, sigmoid. One step: the discriminator on 64 real and 64
  generated images (real labelled 0.9), then the generator through the discriminator; Adam 2e-4, beta1 0.5.
- "vae": vae({latentDim: 2, hiddenUnits: [256]}), batch 128: encoder 784 -> 256 ReLU -> mean and
  log-variance (2 each); reparameterized sample; decoder 2 -> 256 ReLU -> 784 sigmoid. Loss: binary
  cross-entropy summed over pixels plus KL, averaged over the batch; Adam 1e-3.

Protocol as pytorch_training.py: {"network", "steps", "threads"} in, {"seconds"} out, one JSON per line.
"""
import json
import sys
import time

import torch
from torch import nn


class DCGAN:
    batch = 64

    def __init__(self):
        g = torch.Generator().manual_seed(1)
        self.real = torch.rand((self.batch, 1, 28, 28), generator=g) * 2 - 1
        self.generator = nn.Sequential(
            nn.Linear(100, 7 * 7 * 128, bias=False), nn.BatchNorm1d(7 * 7 * 128), nn.LeakyReLU(0.2),
            nn.Unflatten(1, (128, 7, 7)),
            nn.ConvTranspose2d(128, 64, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(64), nn.LeakyReLU(0.2),
            nn.ConvTranspose2d(64, 1, 4, stride=2, padding=1), nn.Tanh(),
        )
        self.discriminator = nn.Sequential(
            nn.Conv2d(1, 64, 4, stride=2, padding=1), nn.LeakyReLU(0.2), nn.Dropout(0.3),
            nn.Conv2d(64, 128, 4, stride=2, padding=1), nn.LeakyReLU(0.2), nn.Dropout(0.3),
            nn.Flatten(), nn.Linear(7 * 7 * 128, 1), nn.Sigmoid(),
        )
        self.g_opt = torch.optim.Adam(self.generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
        self.d_opt = torch.optim.Adam(self.discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
        self.bce = nn.BCELoss()
        self.labels = torch.cat([torch.full((self.batch, 1), 0.9), torch.zeros((self.batch, 1))])
        self.ones = torch.ones((self.batch, 1))
        self.run(3)

    def run(self, steps):
        for _ in range(steps):
            fake = self.generator(torch.randn(self.batch, 100)).detach()
            self.d_opt.zero_grad()
            self.bce(self.discriminator(torch.cat([self.real, fake])), self.labels).backward()
            self.d_opt.step()
            self.g_opt.zero_grad()
            self.bce(self.discriminator(self.generator(torch.randn(self.batch, 100))), self.ones).backward()
            self.g_opt.step()


class VAE:
    batch = 128

    def __init__(self):
        g = torch.Generator().manual_seed(1)
        self.x = torch.rand((self.batch, 784), generator=g)
        self.hidden = nn.Sequential(nn.Linear(784, 256), nn.ReLU())
        self.mean = nn.Linear(256, 2)
        self.log_var = nn.Linear(256, 2)
        self.decoder = nn.Sequential(nn.Linear(2, 256), nn.ReLU(), nn.Linear(256, 784), nn.Sigmoid())
        parameters = [
            *self.hidden.parameters(), *self.mean.parameters(), *self.log_var.parameters(),
            *self.decoder.parameters(),
        ]
        self.optimizer = torch.optim.Adam(parameters, lr=1e-3)
        self.run(3)

    def run(self, steps):
        for _ in range(steps):
            self.optimizer.zero_grad()
            h = self.hidden(self.x)
            mean, log_var = self.mean(h), self.log_var(h)
            z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)
            p = self.decoder(z).clamp(1e-7, 1 - 1e-7)
            reconstruction = -(self.x * torch.log(p) + (1 - self.x) * torch.log(1 - p)).sum(1).mean()
            kl = (-0.5 * (1 + log_var - mean.pow(2) - log_var.exp()).sum(1)).mean()
            (reconstruction + kl).backward()
            self.optimizer.step()


def main():
    trainers = {}
    for line in sys.stdin:
        request = json.loads(line)
        torch.set_num_threads(int(request["threads"]))
        network = request["network"]
        if network not in trainers:
            trainers[network] = DCGAN() if network == "dcgan" else VAE()
        start = time.perf_counter()
        trainers[network].run(int(request["steps"]))
        print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)


if __name__ == "__main__":
    main()
