/**
 * An independent reader of projector files for the tests: the text-format config read line by line into
 * an object that protobufjs checks against `projector_config.proto` (every field must be one of the
 * published message's, with its type), and the TSV files split by hand. Nothing here shares code with
 * the package's writer or reader.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const root = new protobuf.Root().loadSync(
  fileURLToPath(new URL('./projector_config.proto', import.meta.url)),
  {
    keepCase: true,
  },
);
const ProjectorConfig = root.lookupType('tensorboard.projector.ProjectorConfig');

/** One embedding of a config, as the proto names its fields. */
export interface EmbeddingInfo {
  tensor_name: string;
  tensor_path: string;
  metadata_path?: string;
  tensor_shape?: number[];
}

/** A `ProjectorConfig` in text format (one field per line, as TensorBoard's own writer lays it out). */
export function readProjectorConfig(path: string): EmbeddingInfo[] {
  // biome-ignore lint/suspicious/noExplicitAny: a message built field by field before protobufjs checks it.
  const stack: Record<string, any>[] = [{}];
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const top = stack[stack.length - 1];
    const open = /^(\w+)\s*:?\s*\{$/.exec(line);
    const field = /^(\w+):\s*(.+)$/.exec(line);
    if (open) {
      const child = {};
      top[open[1]] = [...(top[open[1]] ?? []), child];
      stack.push(child);
    } else if (line === '}') stack.pop();
    else if (field) {
      const value = field[2].startsWith('"') ? JSON.parse(field[2]) : Number(field[2]);
      if (field[1] === 'tensor_shape') top.tensor_shape = [...(top.tensor_shape ?? []), value];
      else top[field[1]] = value;
    } else throw new Error(`Unreadable config line: ${line}`);
  }
  checkFields(ProjectorConfig, stack[0]);
  const problem = ProjectorConfig.verify(stack[0]);
  if (problem) throw new Error(`Not a ProjectorConfig: ${problem}`);
  // Encoded and decoded again: what TensorBoard's protobuf library would hold.
  const message = ProjectorConfig.decode(
    ProjectorConfig.encode(ProjectorConfig.fromObject(stack[0])).finish(),
  );
  return (ProjectorConfig.toObject(message, { defaults: false, arrays: true }).embeddings ??
    []) as EmbeddingInfo[];
}

/** Every field of `object` (and of its messages) is one the proto defines (verify skips unknown ones). */
function checkFields(type: protobuf.Type, object: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(object)) {
    const field = type.fields[key];
    if (!field) throw new Error(`${type.name} has no field "${key}"`);
    field.resolve();
    if (field.resolvedType instanceof protobuf.Type)
      for (const child of value as Record<string, unknown>[]) checkFields(field.resolvedType, child);
  }
}

/** A tensors TSV as rows of numbers. */
export function readTensorTsv(path: string): number[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t').map(Number));
}

/** A one-column metadata TSV as its lines. */
export function readMetadataTsv(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}
