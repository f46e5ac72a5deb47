/** StackedRNNCells: several cells run as one, each step feeding the next cell (a deep recurrent step). */
import {
  ConfigError,
  type LayerArgs,
  register,
  type SerializedObject,
  type Shape,
  type tf,
} from '@tensorfold/core';
import { type CellStep, RNNCell, resolveCell, stateSizes } from './cells.js';

/** Options of {@link StackedRNNCells}. */
export interface StackedRNNCellsArgs extends LayerArgs {
  /** The cells, first to last (or their saved `{className, config}`). */
  cells: Array<RNNCell | SerializedObject>;
}

/**
 * Runs `cells` one after the other at each time step: the first cell's output is the second's
 * input, and so on; the states are all the cells' states in order. `rnn({cell: [a, b]})` makes one.
 * Weights are saved as `<rnn name>/RNNCell_<i>/kernel` (as TensorFlow.js).
 *
 * @example
 * rnn({ cell: stackedRNNCells({ cells: [lstmCell({ units: 8 }), lstmCell({ units: 4 })] }) })
 */
export class StackedRNNCells extends RNNCell {
  static override readonly className = 'StackedRNNCells';
  readonly cells: RNNCell[];

  constructor(args: StackedRNNCellsArgs) {
    super(args);
    const who = `StackedRNNCells "${this.name}"`;
    const list = args?.cells;
    if (!Array.isArray(list) || list.length === 0) {
      throw new ConfigError(`${who} needs a non-empty list of cells, e.g. {cells: [lstmCell({units: 8})]}.`);
    }
    this.cells = list.map((c, i) => this.trackLayer(resolveCell(c, `${who} (cell ${i})`)));
  }

  override get stateSize(): number[] {
    return this.cells.flatMap((c) => stateSizes(c));
  }

  override get outputSize(): number {
    return this.cells[this.cells.length - 1].outputSize;
  }

  override build(inputShape: Shape | Shape[]): void {
    let shape = this.stepInputShape(inputShape);
    const scope = this.weightScope ?? this.name;
    for (const [i, cell] of this.cells.entries()) {
      cell.weightScope = `${scope}/RNNCell_${i}`;
      cell.ensureBuilt(shape);
      shape = cell.stepOutputShape(shape);
    }
  }

  override stateShapes(stepInput: Shape): number[][] {
    let shape = stepInput;
    const out: number[][] = [];
    for (const cell of this.cells) {
      out.push(...cell.stateShapes(shape));
      shape = cell.stepOutputShape(shape);
    }
    return out;
  }

  override stepOutputShape(stepInput: Shape): Shape {
    return this.cells.reduce((shape, cell) => cell.stepOutputShape(shape), stepInput);
  }

  override resetSequence(): void {
    for (const cell of this.cells) cell.resetSequence();
  }

  step(inputs: tf.Tensor, states: tf.Tensor[], options: { training: boolean }): CellStep {
    let x = inputs;
    let at = 0;
    const next: tf.Tensor[] = [];
    for (const cell of this.cells) {
      const n = stateSizes(cell).length;
      const r = cell.step(x, states.slice(at, at + n), options);
      next.push(...r.states);
      x = r.output;
      at += n;
    }
    return { output: x, states: next };
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      cells: this.cells.map((c) => ({ className: c.className, config: c.getConfig() })),
    };
  }
}

register('layer', 'StackedRNNCells', (c) => new StackedRNNCells(c as unknown as StackedRNNCellsArgs));

/** A stack of cells run as one (see {@link StackedRNNCells}). */
export function stackedRNNCells(args: StackedRNNCellsArgs): StackedRNNCells {
  return new StackedRNNCells(args);
}
