/**
 * Next-day forecasting of a daily series with `@tensorfold/models-rnn`'s forecaster (its description's
 * builder, a `sequenceRegressor`), trained an epoch at a time, reported beside the persistence baseline
 * ("tomorrow = today") on the test year, in the series' own unit.
 */
import { type Optimizer, type Sequential, setSeed, tf } from '@tensorfold/core';
import {
  forecastErrors,
  type MinMaxScaling,
  minMaxScaling,
  naiveForecast,
  type SeriesWindows,
  windows,
} from '@tensorfold/models-rnn';
import { models } from '@tensorfold/models-rnn/descriptions';
import { adam } from '@tensorfold/optim';
import type { SequencesState } from './state';
import { type DailySeries, TRAIN_DAYS } from './weather';

/** Errors after an epoch, in the series' unit (°C). */
export interface ForecastReport {
  epoch: number;
  /** Mean squared error on the scaled training windows (the training loss). */
  trainLoss: number;
  /** The model's mean absolute error on the test year. */
  modelMae: number;
  /** The persistence forecast's mean absolute error on the same days. */
  naiveMae: number;
  /** The model's forecasts of the test days (°C). */
  predicted: Float32Array;
  /** The test days' true values (°C). */
  actual: Float32Array;
}

/** One forecaster on one series: build, train an epoch, measure. */
export class Forecaster {
  readonly model: Sequential;
  private readonly scaling: MinMaxScaling;
  private readonly train: SeriesWindows;
  private readonly test: SeriesWindows;
  private readonly settings: SequencesState;
  epoch = 0;

  private readonly optimizer: Optimizer;

  private constructor(
    model: Sequential,
    optimizer: Optimizer,
    scaling: MinMaxScaling,
    train: SeriesWindows,
    test: SeriesWindows,
    settings: SequencesState,
  ) {
    this.model = model;
    this.optimizer = optimizer;
    this.scaling = scaling;
    this.train = train;
    this.test = test;
    this.settings = settings;
  }

  /** Scales the series on its training days, cuts the windows and builds the model from the seed. */
  static async create(series: DailySeries, settings: SequencesState): Promise<Forecaster> {
    const { window } = settings;
    const scaling = minMaxScaling(series.values.slice(0, TRAIN_DAYS));
    const scaled = scaling.transform(series.values);
    // Train windows end inside the training days; test windows predict each test day from the days before it.
    const train = await windows(scaled.subarray(0, TRAIN_DAYS), { window });
    const test = await windows(scaled.subarray(TRAIN_DAYS - window), { window });
    const description = models.find((m) => m.name === 'forecaster');
    if (!description) throw new Error('@tensorfold/models-rnn describes no forecaster.');
    setSeed(settings.seed);
    const model = await description.build({
      inputShape: [window, 1],
      cell: settings.cell,
      units: settings.units,
    });
    const optimizer = adam({ learningRate: settings.learningRate });
    model.compile({ optimizer, loss: 'meanSquaredError' });
    return new Forecaster(model, optimizer, scaling, train, test, settings);
  }

  /** Test days forecast (one per test window). */
  get testDays(): number {
    return this.test.ys.shape[0];
  }

  /** The errors of the model as it is now (epoch 0: untrained), and the persistence baseline's. */
  async report(trainLoss = Number.NaN): Promise<ForecastReport> {
    const [predicted, naive] = tf.tidy(() => [
      this.model.predict(this.test.xs) as tf.Tensor2D, // [days, 1]
      naiveForecast(this.test.xs), // [days, 1]
    ]);
    const [model, baseline] = await Promise.all([
      forecastErrors(predicted, this.test.ys),
      forecastErrors(naive, this.test.ys),
    ]);
    const [p, a] = await Promise.all([predicted.data(), this.test.ys.data()]);
    tf.dispose([predicted, naive]);
    return {
      epoch: this.epoch,
      trainLoss,
      modelMae: this.scaling.inverseScale(model.mae),
      naiveMae: this.scaling.inverseScale(baseline.mae),
      predicted: this.scaling.inverse(p),
      actual: this.scaling.inverse(a),
    };
  }

  /** Trains one epoch (batches of 32, shuffled by the seed) and reports. */
  async step(): Promise<ForecastReport> {
    const history = await this.model.fit(this.train.xs, this.train.ys, {
      epochs: 1,
      batchSize: 32,
      seed: this.settings.seed + this.epoch,
      verbose: 0,
    });
    this.epoch++;
    return this.report(history.history.loss.at(-1) as number);
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
    this.train.dispose();
    this.test.dispose();
  }
}
