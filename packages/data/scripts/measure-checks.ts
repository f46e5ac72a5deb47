/**
 * What the hostile-file checks cost: PNG decoding with the CRC and Adler-32 checks against fast-png alone
 * (the peer, same run, alternating), and a 12 MB quoted CSV field's parse time and heap.
 *
 * Run: pnpm --filter @tensorfold/data exec node --max-old-space-size=256 --conditions=@tensorfold/source --import tsx scripts/measure-checks.ts
 */
import { decode, encode } from 'fast-png';
import { parseCsv } from '../src/loaders/csv.js';
import { decodeImage } from '../src/loaders/image-codec.js';

/** The median: the middle value of an odd count, the mean of the middle two of an even one (10 times a side here). */
function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const half = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}

/** Microseconds per call of `ours` and `peer`, timed alternately (ABBA) over `rounds` rounds of `reps` calls. */
function paired(ours: () => unknown, peer: () => unknown, reps: number, rounds = 9): [number, number] {
  const times: [number[], number[]] = [[], []];
  const once = (which: 0 | 1) => {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) (which === 0 ? ours : peer)();
    times[which].push(((performance.now() - t0) * 1000) / reps);
  };
  once(0);
  once(1);
  for (let r = 0; r < rounds; r++) {
    const first = (r % 2) as 0 | 1;
    once(first);
    once((1 - first) as 0 | 1);
  }
  return [median(times[0]), median(times[1])];
}

const cases = [
  { name: '28x28 gray (an MNIST digit)', width: 28, height: 28, channels: 1 as const, reps: 2000 },
  { name: '224x224 RGB (a photo, noisy)', width: 224, height: 224, channels: 3 as const, reps: 20 },
];
for (const c of cases) {
  // smooth gradients plus seeded noise, so the data compresses about as a photo does
  let seed = 12345;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 24) % 16;
  };
  const pixels = Uint8Array.from(
    { length: c.width * c.height * c.channels },
    (_, i) => ((Math.floor(i / c.channels) % c.width) + Math.floor(i / c.channels / c.width) + noise()) % 256,
  );
  const png = encode({ width: c.width, height: c.height, data: pixels, channels: c.channels, depth: 8 });
  const [ours, peer] = paired(
    () => decodeImage(png),
    () => decode(png),
    c.reps,
  );
  console.log(
    `PNG ${c.name}, ${png.length} bytes: decodeImage ${ours.toFixed(1)} us, fast-png alone ${peer.toFixed(1)} us, ratio ${(ours / peer).toFixed(2)}x`,
  );
}

const field = 'ab,c\n'.repeat((12 * 1024 * 1024) / 5);
const text = `id,note\n1,"${field}"\n2,x\n`;
const t0 = performance.now();
const table = parseCsv(text);
const ms = performance.now() - t0;
console.log(
  `CSV with one ${(field.length / 2 ** 20).toFixed(1)} MiB quoted field: parsed in ${ms.toFixed(0)} ms, heap used after ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB (rows: ${table.rowCount})`,
);
