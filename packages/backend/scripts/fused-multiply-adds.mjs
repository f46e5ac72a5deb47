// The FMA module's rewrite (compile-simd-kernels.mjs): each float accumulation `acc + a * b` of a .wat
// text as the relaxed-SIMD fused multiply-add. Its own file so that benchmarks can build the FMA
// module of a .wat from another commit the same way (tools/bench's pair-steps-build-ab).

/** The index just past the s-expression that opens at `start` (a `(`), skipping `;;` comments. */
function closeOf(text, start) {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === ';' && text[i + 1] === ';') i = text.indexOf('\n', i);
    else if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i + 1;
  }
  throw new Error(`unbalanced parentheses from offset ${start}`);
}

/**
 * `text` with each `(f32x4.add (local.get $acc…) (f32x4.mul A B))` as `(f32x4.relaxed_madd A B
 * (local.get $acc…))`, and how many it rewrote (0 for a module with no float accumulation: its FMA
 * build is then its SIMD build).
 */
export function fusedMultiplyAdds(text) {
  const head = /\(f32x4\.add\s+(\(local\.get \$acc\w*\))\s+\(f32x4\.mul\s+/g;
  let out = '';
  let from = 0;
  let count = 0;
  for (let match = head.exec(text); match != null; match = head.exec(text)) {
    const mulStart = match.index + match[0].lastIndexOf('(f32x4.mul');
    const mulEnd = closeOf(text, mulStart);
    const addEnd = closeOf(text, match.index);
    if (text.slice(mulEnd, addEnd).trim() !== ')') continue; // not exactly acc + a*b: leave it
    const operands = text.slice(mulStart + '(f32x4.mul'.length, mulEnd - 1).trim();
    out += `${text.slice(from, match.index)}(f32x4.relaxed_madd ${operands} ${match[1]})`;
    from = addEnd;
    head.lastIndex = addEnd;
    count++;
  }
  return { text: out + text.slice(from), count };
}
