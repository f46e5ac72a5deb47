"""NumPy peer of the tensor-math suite (tools/bench/src/suites/tensor-math.ts).

The same three decompositions as tensorfold's, written the way a NumPy (TensorLy-style) user writes them,
on the same input and the same start, with the same amount of work:
- CP-ALS: per sweep and mode, MTTKRP as unfold(X, k) @ khatri_rao(other factors), the R x R normal
  matrix as the Hadamard product of the other factors' Gram matrices, solved with np.linalg.solve;
  after each sweep the error as TensorLy's parafac computes it, without rebuilding the tensor:
  ||X||^2 - 2 <X, X_hat> + ||X_hat||^2, the inner product from the last mode's MTTKRP and the new
  factor, ||X_hat||^2 from the Gram matrices, in float64 (tensorfold does the same, see cp-fit.ts);
- Tucker-HOOI: HOSVD start (leading left singular vectors of each unfolding), then per sweep and mode
  the tensor projected on the other factors and the leading singular vectors of its unfolding; the core
  and the true residual after each sweep;
- TT-SVD with fixed ranks: reshape, truncated SVD, carry s·Vt on, for each core.
Heavy arrays are float32 (the precision tensorfold computes in) unless a request says float64; the
R x R solves are float64 in both.

Protocol, one JSON object per line: the suite writes {"case": "cp" | "tucker" | "tt", "input": path,
"shape": [...], "dtype": "float32" | "float64", ...case fields} on stdin; the input file holds the
tensor as raw little-endian float32 in C order (and, for "cp", the start factors after it). This
process loads it (untimed), runs the decomposition, and answers {"seconds": S, "cpuSeconds": C, "error": E}
(wall and CPU time of the decomposition, final relative error) on stdout. The first line it prints is {"blas": "..."},
OpenBLAS's configuration and core name, or "unknown". It exits when stdin closes.
"""
import ctypes
import json
import sys
import time

import numpy as np


def blas_info():
    """OpenBLAS's config string and the kernel (core) it picked, read from the loaded library."""
    try:
        paths = sorted({line.split()[-1] for line in open("/proc/self/maps") if "openblas" in line.lower()})
    except OSError:
        paths = []
    for path in paths:
        lib = ctypes.CDLL(path)
        for suffix in ("", "64_"):
            for prefix in ("openblas_", "scipy_openblas_"):
                try:
                    config = getattr(lib, f"{prefix}get_config{suffix}")
                    core = getattr(lib, f"{prefix}get_corename{suffix}")
                except AttributeError:
                    continue
                config.restype = core.restype = ctypes.c_char_p
                return f"{config().decode()}; core {core().decode()}"
    return "unknown"


def unfold(x, mode):
    return np.moveaxis(x, mode, 0).reshape(x.shape[mode], -1)


def khatri_rao(matrices):
    result = matrices[0]
    for m in matrices[1:]:
        result = (result[:, None, :] * m[None, :, :]).reshape(-1, result.shape[1])
    return result


def cp_als(x, factors, sweeps):
    """TensorLy's parafac: the error after each sweep from ||X||, the last MTTKRP and the Gram matrices."""
    norm_squared = float(np.sum(np.square(x, dtype=np.float64)))
    rank = factors[0].shape[1]
    grams = [f.T.astype(np.float64) @ f.astype(np.float64) for f in factors]
    error = 1.0
    for _ in range(sweeps):
        for mode in range(x.ndim):
            others = [f for k, f in enumerate(factors) if k != mode]
            mttkrp = unfold(x, mode) @ khatri_rao(others)  # [n_mode, R]
            v = np.ones((rank, rank))
            for k, g in enumerate(grams):
                if k != mode:
                    v *= g
            solved = np.linalg.solve(v, mttkrp.T.astype(np.float64)).T
            grams[mode] = solved.T @ solved
            factors[mode] = solved.astype(x.dtype)
        # ||X - X_hat||^2 = ||X||^2 - 2 <X, X_hat> + ||X_hat||^2, <X, X_hat> from the last mode's MTTKRP
        inner = float(np.sum(mttkrp.astype(np.float64) * solved))
        model = float(np.sum(np.prod(grams, axis=0)))
        error = np.sqrt(abs(norm_squared - 2 * inner + model) / norm_squared)
    return error


def leading(matrix, rank):
    u, _, _ = np.linalg.svd(matrix, full_matrices=False)
    return u[:, :rank]


def multi_mode_dot(x, matrices, skip=None, transpose=False):
    for mode, m in enumerate(matrices):
        if mode == skip:
            continue
        m = m.T if transpose else m
        x = np.moveaxis(np.tensordot(m, x, axes=(1, mode)), 0, mode)
    return x


def tucker_hooi(x, ranks, sweeps):
    norm = np.linalg.norm(x)
    factors = [leading(unfold(x, k), r) for k, r in enumerate(ranks)]
    error = 1.0
    for _ in range(sweeps):
        for mode in range(x.ndim):
            projected = multi_mode_dot(x, factors, skip=mode, transpose=True)
            factors[mode] = leading(unfold(projected, mode), ranks[mode])
        core = multi_mode_dot(x, factors, transpose=True)
        error = np.linalg.norm(x - multi_mode_dot(core, factors)) / norm
    return error


def tensor_train(x, ranks):
    shape = x.shape
    cores = []
    rest = x
    for k in range(len(shape) - 1):
        rest = rest.reshape(ranks[k] * shape[k], -1)
        u, s, vt = np.linalg.svd(rest, full_matrices=False)
        r = ranks[k + 1]
        cores.append(u[:, :r].reshape(ranks[k], shape[k], r))
        rest = s[:r, None] * vt[:r]
    cores.append(rest.reshape(ranks[-2], shape[-1], 1))
    full = cores[0]
    for core in cores[1:]:
        full = np.tensordot(full, core, axes=(-1, 0))
    return np.linalg.norm(x - full.reshape(shape)) / np.linalg.norm(x)


def run(request):
    dtype = np.dtype(request.get("dtype", "float32"))
    shape = request["shape"]
    raw = np.fromfile(request["input"], dtype="<f4")
    size = int(np.prod(shape))
    x = raw[:size].reshape(shape).astype(dtype)
    case = request["case"]
    if case == "cp":
        rank = request["rank"]
        factors, offset = [], size
        for n in shape:
            factors.append(raw[offset : offset + n * rank].reshape(n, rank).astype(dtype))
            offset += n * rank
        start, cpu_start = time.perf_counter(), time.process_time()
        error = cp_als(x, factors, request["sweeps"])
    elif case == "tucker":
        start, cpu_start = time.perf_counter(), time.process_time()
        error = tucker_hooi(x, request["ranks"], request["sweeps"])
    elif case == "tt":
        start, cpu_start = time.perf_counter(), time.process_time()
        error = tensor_train(x, request["ranks"])
    else:
        raise ValueError(f"unknown case {case}")
    return {
        "seconds": time.perf_counter() - start,
        "cpuSeconds": time.process_time() - cpu_start,
        "error": float(error),
    }


def main():
    print(json.dumps({"blas": blas_info(), "numpy": np.__version__}), flush=True)
    for line in sys.stdin:
        print(json.dumps(run(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
