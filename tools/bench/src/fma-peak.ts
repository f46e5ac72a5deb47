/**
 * `pnpm --filter @tensorfold/bench fma-peak [rounds]`
 *
 * This machine's rate of 128-bit relaxed-SIMD multiply-adds under V8, the bound the float products'
 * tiles are measured against (wip/codegen): a loop of `rows x cols` vector accumulators, each turn
 * `cols` vector loads and `rows` splat loads from a 16 KB block (in L1) and `rows x cols`
 * `f32x4.relaxed_madd` (x64: vfmadd231ps), as the products' inner loops do. Tiles 2 x 4 (the pairs'
 * product: 8 accumulators), 3 x 3, 5 x 2, and 2 x 5 (10 accumulators and 5 columns: V8's 16 xmm
 * registers are then too few, and it spills). Rounds alternate the tiles; prints each tile's median and
 * best G multiply-adds per second (4 a vector multiply-add). Compiled here with wabt (the backend's
 * dev dependency). Default 31 rounds.
 */
import { medianOf } from './steadiness.js';
import { compileWat, loadWabt } from './wat-builds.js';

const TILES: [number, number][] = [
  [2, 4],
  [3, 3],
  [5, 2],
  [2, 5],
];

/** The loop's text: `run(turns)` returns one lane of the accumulators' sum (so none is dead). */
function tileWat(rows: number, cols: number): string {
  const accs = rows * cols;
  const locals = [
    ...Array.from({ length: cols }, (_, c) => `(local $b${c} v128)`),
    ...Array.from({ length: accs }, (_, k) => `(local $acc${k} v128)`),
  ].join(' ');
  const body: string[] = [
    '(local.set $p (i32.and (i32.shl (local.get $i) (i32.const 7)) (i32.const 16383)))',
  ];
  for (let c = 0; c < cols; c++) body.push(`(local.set $b${c} (v128.load offset=${16 * c} (local.get $p)))`);
  for (let r = 0; r < rows; r++) {
    body.push(
      `(local.set $a (v128.load32_splat offset=${16384 + 4 * r} (i32.and (local.get $i) (i32.const 1020))))`,
    );
    for (let c = 0; c < cols; c++) {
      const k = r * cols + c;
      body.push(
        `(local.set $acc${k} (f32x4.relaxed_madd (local.get $a) (local.get $b${c}) (local.get $acc${k})))`,
      );
    }
  }
  let sum = '(local.get $acc0)';
  for (let k = 1; k < accs; k++) sum = `(f32x4.add ${sum} (local.get $acc${k}))`;
  return `(module (import "env" "memory" (memory 1))
  (func (export "run") (param $turns i32) (result f32) (local $i i32) (local $p i32) (local $a v128) ${locals}
    (loop $turn ${body.join('\n')}
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $turn (i32.lt_u (local.get $i) (local.get $turns))))
    (f32x4.extract_lane 0 ${sum})))`;
}

async function main() {
  const rounds = Number(process.argv[2] ?? '31');
  const toolkit = await loadWabt();
  const memory = new WebAssembly.Memory({ initial: 1 });
  new Float32Array(memory.buffer).fill(1e-7);
  const features = { simd: true, relaxed_simd: true };
  const runs = TILES.map(([rows, cols]) => {
    const bytes = compileWat(toolkit, `tile-${rows}x${cols}`, tileWat(rows, cols), features);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return instance.exports.run as (turns: number) => number;
  });
  const rates: number[][] = TILES.map(() => []);
  for (let round = 0; round < rounds + 1; round++) {
    for (let s = 0; s < TILES.length; s++) {
      const t = (s + round) % TILES.length;
      const [rows, cols] = TILES[t];
      const turns = Math.round(1e8 / (rows * cols));
      const start = process.hrtime.bigint();
      runs[t](turns);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (round > 0) rates[t].push((turns * rows * cols * 4) / seconds / 1e9); // round 0: warm-up
    }
  }
  TILES.forEach(([rows, cols], t) => {
    console.log(
      `${rows} x ${cols} (${rows * cols} accumulators): median ${medianOf(rates[t]).toFixed(1)}, ` +
        `best ${Math.max(...rates[t]).toFixed(1)} G multiply-adds/s`,
    );
  });
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
