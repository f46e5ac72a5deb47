/**
 * CSV and JSON files from disk.
 */
import { type CsvOptions, parseCsv } from '../loaders/csv.js';
import { parseJson, tableFromRecords } from '../loaders/json.js';
import type { Table } from '../loaders/table.js';
import { readText } from './files.js';

/**
 * Reads a CSV file (`.gz` is decompressed) into a {@link Table}.
 * @throws DataError naming the file and line for a missing file or malformed CSV.
 * @example
 * const table = await readCsv('prices.csv', { columnTypes: { close: 'number' } });
 */
export async function readCsv(path: string, options: Omit<CsvOptions, 'source'> = {}): Promise<Table> {
  return parseCsv(await readText(path), { ...options, source: path });
}

/** Reads and parses a JSON file. @throws DataError naming the file. */
export async function readJson(path: string): Promise<unknown> {
  return parseJson(await readText(path), path);
}

/** Reads a JSON file holding an array of flat records into a {@link Table}. @throws DataError naming the file. */
export async function readJsonTable(path: string): Promise<Table> {
  return tableFromRecords(await readJson(path), path);
}
