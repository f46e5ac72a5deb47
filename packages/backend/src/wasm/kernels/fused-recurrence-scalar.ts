/**
 * Scalar JavaScript equivalents of the fused recurrences' SIMD functions (the step kernels of
 * recurrent.wat and gru-reset-before.wat, and kernels.wat's matMul), same contracts and byte-offset pointers, for runtimes where the SIMD
 * modules cannot run (see simd-module.ts): the fused kernels then give the same results, slower.
 */
import type { GruResetBeforeKernels } from '../simd/gru-reset-before-kernels.js';
import type { RecurrentKernels } from '../simd/recurrent-kernels.js';
import type { SimdKernels } from '../simd/simd-kernels.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * At element `e` of a backward step: the state's gradient `dhNext + dhRec + dy` (`dy` 0: none) and
 * whether the step is real there (`mask` 0: none). Pointers in bytes.
 */
function incoming(
  h: Float32Array,
  e: number,
  dhNext: number,
  dhRec: number,
  dy: number,
  mask: number,
): [number, boolean] {
  const dh =
    (h[(dhNext >> 2) + e] as number) +
    (h[(dhRec >> 2) + e] as number) +
    (dy === 0 ? 0 : (h[(dy >> 2) + e] as number));
  return [dh, mask === 0 || (h[(mask >> 2) + e] as number) > 0.5];
}

/** The step kernels on the heap that `heap()` views (taken at each call: the heap may move). */
export function scalarRecurrentKernels(heap: () => Float32Array): RecurrentKernels {
  return {
    lstmForward(z, x, cPrev, hPrev, mask, cOut, hOut, tcOut, n) {
      const h = heap();
      const [zf, xf, cp, hp, mf, co, ho, tco] = [z, x, cPrev, hPrev, mask, cOut, hOut, tcOut].map(
        (p) => p >> 2,
      ) as number[] as [number, number, number, number, number, number, number, number];
      for (let e = 0; e < n; e++) {
        const i = sigmoid((h[zf + e] as number) + (x === 0 ? 0 : (h[xf + e] as number)));
        const f = sigmoid((h[zf + n + e] as number) + (x === 0 ? 0 : (h[xf + n + e] as number)));
        const g = Math.tanh((h[zf + 2 * n + e] as number) + (x === 0 ? 0 : (h[xf + 2 * n + e] as number)));
        const o = sigmoid((h[zf + 3 * n + e] as number) + (x === 0 ? 0 : (h[xf + 3 * n + e] as number)));
        h[zf + e] = i;
        h[zf + n + e] = f;
        h[zf + 2 * n + e] = g;
        h[zf + 3 * n + e] = o;
        const previous = h[cp + e] as number;
        const c = f * previous + i * g;
        const tc = Math.tanh(c);
        h[tco + e] = tc;
        const real = mask === 0 || (h[mf + e] as number) > 0.5;
        h[co + e] = real ? c : previous;
        h[ho + e] = real ? o * tc : (h[hp + e] as number);
      }
    },
    lstmBackward(gates, tc, cPrev, dy, mask, dhNext, dhRec, dcNext, dz, n) {
      const h = heap();
      const [gf, tcf, cp, dhn, dcn, dzf] = [gates, tc, cPrev, dhNext, dcNext, dz].map((p) => p >> 2) as [
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      for (let e = 0; e < n; e++) {
        const [dh, real] = incoming(h, e, dhNext, dhRec, dy, mask);
        const [i, f, g, o] = [h[gf + e], h[gf + n + e], h[gf + 2 * n + e], h[gf + 3 * n + e]] as [
          number,
          number,
          number,
          number,
        ];
        const t = h[tcf + e] as number;
        const dc = h[dcn + e] as number;
        const dhNew = real ? dh : 0;
        const dcNew = real ? dc + dhNew * o * (1 - t * t) : 0;
        h[dzf + e] = dcNew * g * i * (1 - i);
        h[dzf + n + e] = dcNew * (h[cp + e] as number) * f * (1 - f);
        h[dzf + 2 * n + e] = dcNew * i * (1 - g * g);
        h[dzf + 3 * n + e] = dhNew * t * o * (1 - o);
        h[dcn + e] = dcNew * f + (real ? 0 : dc);
        h[dhn + e] = real ? 0 : dh;
      }
    },
    rnnForward(z, hPrev, mask, hOut, n) {
      const h = heap();
      const [zf, hp, mf, ho] = [z >> 2, hPrev >> 2, mask >> 2, hOut >> 2];
      for (let e = 0; e < n; e++) {
        const value = Math.tanh(h[zf + e] as number);
        h[zf + e] = value;
        h[ho + e] = mask === 0 || (h[mf + e] as number) > 0.5 ? value : (h[hp + e] as number);
      }
    },
    rnnBackward(hs, dy, mask, dhNext, dhRec, dz, n) {
      const h = heap();
      const [hf, dhn, dzf] = [hs >> 2, dhNext >> 2, dz >> 2];
      for (let e = 0; e < n; e++) {
        const [dh, real] = incoming(h, e, dhNext, dhRec, dy, mask);
        const value = h[hf + e] as number;
        h[dzf + e] = real ? dh * (1 - value * value) : 0;
        h[dhn + e] = real ? 0 : dh;
      }
    },
    gruForward(p, hPrev, mask, hOut, n) {
      const h = heap();
      const [pf, hp, mf, ho] = [p >> 2, hPrev >> 2, mask >> 2, hOut >> 2];
      for (let e = 0; e < n; e++) {
        const z = sigmoid(h[pf + e] as number);
        const r = sigmoid(h[pf + n + e] as number);
        const hh = Math.tanh((h[pf + 3 * n + e] as number) + r * (h[pf + 2 * n + e] as number));
        h[pf + e] = z;
        h[pf + n + e] = r;
        h[pf + 3 * n + e] = hh;
        const previous = h[hp + e] as number;
        h[ho + e] = mask === 0 || (h[mf + e] as number) > 0.5 ? z * previous + (1 - z) * hh : previous;
      }
    },
    gruBackward(g, hPrev, dy, mask, dhNext, dhRec, dp, n) {
      const h = heap();
      const [gf, hp, dhn, dpf] = [g >> 2, hPrev >> 2, dhNext >> 2, dp >> 2];
      for (let e = 0; e < n; e++) {
        const [dh, real] = incoming(h, e, dhNext, dhRec, dy, mask);
        const dhNew = real ? dh : 0;
        const [z, r, p2, hh] = [h[gf + e], h[gf + n + e], h[gf + 2 * n + e], h[gf + 3 * n + e]] as [
          number,
          number,
          number,
          number,
        ];
        const pre = dhNew * (1 - z) * (1 - hh * hh);
        h[dpf + e] = dhNew * ((h[hp + e] as number) - hh) * z * (1 - z);
        h[dpf + n + e] = pre * p2 * r * (1 - r);
        h[dpf + 2 * n + e] = pre * r;
        h[dpf + 3 * n + e] = pre;
        h[dhn + e] = dhNew * z + (real ? 0 : dh);
      }
    },
    matMulTransposedAdd(a, b, out, m, k, n, steps, aStep, bStep) {
      const h = heap();
      const of = out >> 2;
      for (let s = 0; s < steps; s++) {
        const [af, bf] = [(a + s * aStep) >> 2, (b + s * bStep) >> 2];
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let sum = 0;
            for (let p = 0; p < k; p++) sum += (h[af + i * k + p] as number) * (h[bf + j * k + p] as number);
            h[of + i * n + j] = (h[of + i * n + j] as number) + sum;
          }
        }
      }
    },
  };
}

/** `out[m, n] = a[m, k] · b[k, n]`, row-major, on the heap that `heap()` views. */
export function scalarMatMul(heap: () => Float32Array): SimdKernels['matMul'] {
  return (a, b, out, m, k, n) => {
    const h = heap();
    const [af, bf, of] = [a >> 2, b >> 2, out >> 2];
    h.fill(0, of, of + m * n);
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) {
        const scale = h[af + i * k + p] as number;
        const row = bf + p * n;
        const target = of + i * n;
        for (let j = 0; j < n; j++)
          h[target + j] = (h[target + j] as number) + scale * (h[row + j] as number);
      }
    }
  };
}

/** The reset-before GRU's step kernels (gru-reset-before.wat) on the heap that `heap()` views. */
export function scalarGruResetBeforeKernels(heap: () => Float32Array): GruResetBeforeKernels {
  return {
    gatesForward(p, hPrev, rh, n) {
      const h = heap();
      const [pf, hp, rf] = [p >> 2, hPrev >> 2, rh >> 2];
      for (let e = 0; e < n; e++) {
        h[pf + e] = sigmoid(h[pf + e] as number);
        const r = sigmoid(h[pf + n + e] as number);
        h[pf + n + e] = r;
        h[rf + e] = r * (h[hp + e] as number);
      }
    },
    stateForward(p, q, hPrev, mask, hOut, n) {
      const h = heap();
      const [pf, qf, hp, mf, ho] = [p >> 2, q >> 2, hPrev >> 2, mask >> 2, hOut >> 2];
      for (let e = 0; e < n; e++) {
        const hh = Math.tanh((h[pf + 2 * n + e] as number) + (h[qf + e] as number));
        h[pf + 2 * n + e] = hh;
        const previous = h[hp + e] as number;
        const z = h[pf + e] as number;
        h[ho + e] = mask === 0 || (h[mf + e] as number) > 0.5 ? hh + z * (previous - hh) : previous;
      }
    },
    stateBackward(g, hPrev, dy, mask, dhNext, dhRec, dp, n) {
      const h = heap();
      const [gf, hp, dhn, dpf] = [g >> 2, hPrev >> 2, dhNext >> 2, dp >> 2];
      for (let e = 0; e < n; e++) {
        const [dh, real] = incoming(h, e, dhNext, dhRec, dy, mask);
        const dhNew = real ? dh : 0;
        const [z, hh] = [h[gf + e] as number, h[gf + 2 * n + e] as number];
        h[dpf + e] = dhNew * ((h[hp + e] as number) - hh) * z * (1 - z);
        h[dpf + 2 * n + e] = dhNew * (1 - z) * (1 - hh * hh);
        h[dhn + e] = dhNew * z + (real ? 0 : dh);
      }
    },
    gatesBackward(g, hPrev, drh, drop, dhNext, dp, n) {
      const h = heap();
      const [gf, hp, df, dr, dhn, dpf] = [g >> 2, hPrev >> 2, drh >> 2, drop >> 2, dhNext >> 2, dp >> 2];
      for (let e = 0; e < n; e++) {
        const r = h[gf + n + e] as number;
        const d = h[df + e] as number;
        h[dpf + n + e] = d * (h[hp + e] as number) * r * (1 - r);
        h[dhn + e] = (h[dhn + e] as number) + d * r * (drop === 0 ? 1 : (h[dr + e] as number));
      }
    },
  };
}
