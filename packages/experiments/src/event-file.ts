import { accessSync, appendFileSync, closeSync, constants, openSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '@tensorfold/core';
import { makeDirectories } from '@tensorfold/core/node';
import { EventWriter } from './event-writer.js';

/** An event writer on a file, with the file's path. */
export interface EventFileWriter {
  writer: EventWriter;
  path: string;
}

let fileCounter = 0;

/**
 * A new TensorBoard event file in `dir` (created if missing), named as TensorFlow names them
 * (`events.out.tfevents.<seconds>.<host>.<pid>.<n>`), with an {@link EventWriter} that appends to it.
 *
 * @throws ConfigError when `dir` cannot be created or written, before anything is trained.
 */
export async function eventFileWriter(dir: string): Promise<EventFileWriter> {
  const folder = await checkLogdir(dir);
  const path = join(
    folder,
    `events.out.tfevents.${Math.floor(Date.now() / 1000)}.${hostname()}.${process.pid}.${fileCounter++}`,
  );
  closeSync(openSync(path, 'a'));
  return { writer: new EventWriter((records) => appendFileSync(path, records)), path };
}

/**
 * Makes `dir` (and its parents) if missing and checks that it can be written; returns its absolute path.
 * Call it before loading data or training, so a bad log directory costs nothing.
 *
 * @throws ConfigError naming the directory and the reason.
 */
export async function checkLogdir(dir: string): Promise<string> {
  const folder = resolve(dir);
  try {
    await makeDirectories(folder);
    accessSync(folder, constants.W_OK);
  } catch (error) {
    throw new ConfigError(
      `The log directory ${folder} cannot be written (${(error as Error).message}); pass a directory you can write to.`,
      { cause: error },
    );
  }
  return folder;
}
