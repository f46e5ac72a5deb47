"""A fake peer for calibrate's `burn` A/A: a worker that speaks the PyTorch worker's protocol
(pytorch_training.py) but burns a fixed amount of CPU per step, the same in every process.

Each step runs the same pure-Python loop (BURN_ITERATIONS iterations, about 3 ms on the bench machine)
over a buffer of BURN_BYTES, so two sets of these processes differ in nothing but where and when they
run: an A/A of them through the real measuring code must read 1.00x per CPU second, and on a quiet
machine in wall time too. A request of 0 steps "builds" (allocates the buffer) and warms up, as the
PyTorch worker does, for at least WARMUP_SECONDS and WARMUP_STEPS steps, once per (network, threads).
The network, threads and data fields are accepted and ignored except as keys. Exits when stdin closes.
"""
import json
import sys
import time

BURN_ITERATIONS = 40000
BURN_BYTES = 1 << 20
WARMUP_SECONDS = 1.0
WARMUP_STEPS = 5


def step(buffer):
    """A fixed amount of work: the same loop and the same strided reads of `buffer` every time."""
    total = 0
    stride = len(buffer) // BURN_ITERATIONS
    for i in range(BURN_ITERATIONS):
        total += buffer[i * stride] ^ i
    return total


def main():
    buffers = {}
    warm = set()
    for line in sys.stdin:
        request = json.loads(line)
        key = (request["network"], request.get("data"))
        if key not in buffers:
            buffers[key] = bytearray(range(256)) * (BURN_BYTES // 256)
        buffer = buffers[key]
        if (key, request["threads"]) not in warm:
            warm.add((key, request["threads"]))
            start, steps = time.perf_counter(), 0
            while steps < WARMUP_STEPS or time.perf_counter() - start < WARMUP_SECONDS:
                step(buffer)
                steps += 1
        start, cpu_start = time.perf_counter(), time.process_time()
        for _ in range(int(request["steps"])):
            step(buffer)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
        print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds}), flush=True)


if __name__ == "__main__":
    main()
