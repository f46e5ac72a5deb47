/** Streams whose reader has gone away (`tensorfold ... | head -1`), and streams already watched. */
const closed = new WeakSet<NodeJS.WritableStream>();
const watched = new WeakSet<NodeJS.WritableStream>();

/**
 * Writes `text` to `stream` unless its reader has gone away (EPIPE, as when the output is piped into
 * `head`): from then on the output is dropped and the command carries on, so a training run still
 * finishes and saves to `--out`. Any other write error still ends the process.
 */
export function writeTo(stream: NodeJS.WritableStream, text: string): void {
  watch(stream);
  if (closed.has(stream)) return;
  stream.write(text);
}

function watch(stream: NodeJS.WritableStream): void {
  if (watched.has(stream)) return;
  watched.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed.add(stream);
  });
}
