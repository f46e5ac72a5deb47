/**
 * What the 2D and 3D pooling layers share: the window options, the data format, the output shape and
 * the config. A subclass gives only the pooling op of its rank.
 */
import {
  type CallOptions,
  Layer,
  type LayerArgs,
  type LayerInputs,
  type Shape,
  singleShape,
  tf,
} from '@tensorfold/core';
import { normalizeTuple } from '../../utils/args.js';
import {
  checkDataFormat,
  checkPadding,
  convOutputLength,
  type DataFormat,
  type PaddingMode,
} from '../../utils/conv-utils.js';
import { singleTensor } from '../../utils/layer-utils.js';

/** Options of a pooling layer over `rank` spatial axes. */
export interface SpatialPoolingArgs extends LayerArgs {
  /** Window size: one number for every axis or one per axis. Default 2. */
  poolSize?: number | number[];
  /** Step of the window. Default: `poolSize` (non-overlapping windows). */
  strides?: number | number[];
  /** `'valid'` (default) or `'same'`. */
  padding?: 'valid' | 'same';
  /** `'channelsLast'` (default) or `'channelsFirst'`. */
  dataFormat?: DataFormat;
}

/** The base of the 2D and 3D max and average pooling layers. */
export abstract class SpatialPooling extends Layer {
  /** Number of spatial axes (2 or 3). */
  protected readonly rank: number;
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: PaddingMode;
  readonly dataFormat: DataFormat;
  protected abstract readonly kind: 'max' | 'avg';

  constructor(rank: number, args: SpatialPoolingArgs) {
    super(args);
    const who = `${this.className} layer "${this.name}"`;
    this.rank = rank;
    this.poolSize = normalizeTuple(args.poolSize ?? 2, rank, `${who}: poolSize`);
    this.strides = normalizeTuple(args.strides ?? this.poolSize, rank, `${who}: strides`);
    this.padding = checkPadding(args.padding);
    this.dataFormat = checkDataFormat(args.dataFormat);
    this.inputSpec = { ndim: rank + 2 };
  }

  /** Pools `x` (`[batch, ...spatial, channels]`) to `[batch, ...spatial', channels]`. */
  protected abstract pool(x: tf.Tensor): tf.Tensor;

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const input = singleTensor(inputs, `${this.className} layer "${this.name}"`);
    return tf.tidy(() => {
      const first = this.dataFormat === 'channelsFirst';
      const spatialAxes = Array.from({ length: this.rank }, (_, i) => i + 1);
      // [batch, ...spatial, channels]
      const x = first ? tf.transpose(input, [0, ...spatialAxes.map((a) => a + 1), 1]) : input;
      const y = this.pool(x); // [batch, ...spatial', channels]
      return first ? tf.transpose(y, [0, this.rank + 1, ...spatialAxes]) : y;
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(inputShape, `${this.className} layer "${this.name}"`);
    const first = this.dataFormat === 'channelsFirst';
    const spatial = first ? s.slice(2) : s.slice(1, this.rank + 1);
    const out = spatial.map((n, i) => convOutputLength(n, this.poolSize[i], this.padding, this.strides[i]));
    return first ? [s[0], s[1], ...out] : [s[0], ...out, s[this.rank + 1]];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      poolSize: this.poolSize,
      padding: this.padding,
      strides: this.strides,
      dataFormat: this.dataFormat,
    };
  }
}
