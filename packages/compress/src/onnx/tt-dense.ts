/**
 * The Tensor-Train dense layer (`TTDense`) in standard ONNX ops, cores kept as they are (the file
 * stays as small as the layer): the input is contracted with one core at a time (Novikov et al.
 * 2015, the TT matrix-by-vector product), each step a Reshape, a Transpose and a MatMul.
 *
 * With `x [B, m_1 ... m_d]` and cores `G_k [r_{k-1}, m_k, n_k, r_k]`, step k holds
 * `S [B, m_k, m_{k+1} ... m_d, n_1 ... n_{k-1}, r_{k-1}]`; it moves `m_k` last, multiplies by `G_k` seen as
 * `[r_{k-1} m_k, n_k r_k]`, and leaves `[B, m_{k+1} ... m_d, n_1 ... n_k, r_k]`. After the last core
 * (r_d = 1) that is `[B, n_1 ... n_d]`, the units in the order the layer's kernel has them.
 */
import type { TTDense } from '../decompose/tt-dense.js';
import { activate, type Builder, type Value, values } from './builder.js';

const product = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

export async function convertTTDense(b: Builder, layer: TTDense, x: Value, where: string): Promise<Value> {
  const u = b.toNhwc(x);
  const { inputFactors: m, outputFactors: n, ranks: r, units } = layer;
  const d = m.length;
  let s = u.name;
  for (let k = 0; k < d; k++) {
    const rest = product(m.slice(k + 1));
    const done = product(n.slice(0, k));
    // [B, m_k, rest, done, r_{k-1}] -> [B, rest, done, r_{k-1}, m_k] -> [B rest done, r_{k-1} m_k]
    const split = b.node(
      'Reshape',
      [s, b.int64s('shape', [-1, m[k], rest, done, r[k]])],
      `${where}_split${k}`,
    );
    const moved = b.node('Transpose', [split], `${where}_move${k}`, { perm: { ints: [0, 2, 3, 4, 1] } });
    const rows = b.node('Reshape', [moved, b.int64s('shape', [-1, r[k] * m[k]])], `${where}_rows${k}`);
    const core = b.floats(
      `${where}_core_${k}`,
      [r[k] * m[k], n[k] * r[k + 1]],
      await values(layer.cores[k].read()),
    );
    s = b.node('MatMul', [rows, core], `${where}_contract${k}`); // [B rest done, n_k r_k]
  }
  let y = b.node('Reshape', [s, b.int64s('shape', [-1, units])], where); // [B, units]
  if (layer.bias)
    y = b.node('Add', [y, b.floats(`${where}_bias`, [units], await values(layer.bias.read()))], where);
  if (u.rank !== 2) {
    // back to the input's leading axes: [..., units]
    const shape = b.node('Shape', [u.name], `${where}_shape`);
    const leading = b.node(
      'Slice',
      [shape, b.int64s('zero', [0]), b.int64s('minus_one', [-1])],
      `${where}_lead`,
    );
    const target = b.node('Concat', [leading, b.int64s('units', [units])], `${where}_target`, {
      axis: { i: 0 },
    });
    y = b.node('Reshape', [y, target], `${where}_unflatten`);
  }
  return activate(
    b,
    { name: y, layout: u.rank === 4 ? 'nhwc' : 'plain', rank: u.rank },
    layer.activationName,
    where,
  );
}
