import { describe, expect, it } from 'vitest';
import {
  formatMetadataTsv,
  formatProjectorConfig,
  formatTensorTsv,
  parseMetadataTsv,
  parseProjectorConfig,
  parseTensorTsv,
} from './projector-format.js';

describe('projector files', () => {
  it('reads a config as TensorBoard users write it: comments, colons before braces, quotes, fields it skips', () => {
    const text = `# written by hand
model_checkpoint_path: "ckpt"
embeddings: {
  tensor_name: 'word "vectors"'
  tensor_path: "a/tensors.tsv"
  metadata_path: "/abs/metadata.tsv"
  sprite { image_path: "sprite.png" single_image_dim: 28 single_image_dim: 28 }
  tensor_shape: 10
  tensor_shape: 4
}
embeddings < tensor_name: "from a checkpoint" >
embeddings { tensor_path: "b.tsv" }
`;
    expect(parseProjectorConfig(text)).toEqual([
      {
        tensorName: 'word "vectors"',
        tensorPath: 'a/tensors.tsv',
        metadataPath: '/abs/metadata.tsv',
        tensorShape: [10, 4],
      },
      { tensorName: 'b.tsv', tensorPath: 'b.tsv' }, // TensorBoard names it after its file too
    ]);
    expect(() => parseProjectorConfig('embeddings { tensor_path: "x"')).toThrow(/missing "}"/);
  });

  it('writes what it reads: names with quotes, backslashes and tabs survive', () => {
    const embeddings = [
      { tensorName: 'emb\\ed "x"\t/step-3', tensorPath: 'embeddings/x/3/tensors.tsv', tensorShape: [2, 3] },
      { tensorName: 'y/step-0', tensorPath: 'p.tsv', metadataPath: 'm.tsv' },
    ];
    expect(parseProjectorConfig(formatProjectorConfig(embeddings))).toEqual(embeddings);
  });

  it('writes float32 vectors exactly and reads TSV back, refusing ragged rows', () => {
    const values = Float32Array.from([0.1, -2.5e-8, 3, 1 / 3, 7e12, -1.5]);
    const text = formatTensorTsv(values, 2, 3);
    expect(text.split('\n')).toHaveLength(3);
    const back = parseTensorTsv(text);
    expect([back.n, back.d]).toEqual([2, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(values));
    expect(() => parseTensorTsv('1\t2\n3\n')).toThrow(/row 2 has 1 values/);
    expect(() => parseTensorTsv('1\tx\n')).toThrow(/"x" in row 1/);
  });

  it('metadata: one column without a header, several under one', () => {
    expect(parseMetadataTsv(formatMetadataTsv(['cat', 'dog\tx']))).toEqual({
      columns: ['label'],
      rows: [['cat'], ['dog x']],
    });
    expect(parseMetadataTsv('word\tcount\nthe\t9\n')).toEqual({
      columns: ['word', 'count'],
      rows: [['the', '9']],
    });
  });
});
