/**
 * AlexNet (Krizhevsky, Sutskever & Hinton 2012; seed 003's list of famous CNNs, seed 004's "60 million
 * parameters"), as one tower (the paper split it over two GPUs) without local response normalization (later
 * work found it adds little; tensorfold has no LRN layer). Keras Applications has no AlexNet: names here follow
 * the paper (`conv1`...`conv5`, `fc6`, `fc7`) and Keras's `predictions`.
 */
import type { Model, SymbolicTensor } from '@tensorfold/core';
import { conv2d, dense, dropout, flatten, maxPooling2d } from '@tensorfold/layers';
import { type ApplicationOptions, buildApplication } from './application.js';

function alexNetBase(x: SymbolicTensor): SymbolicTensor {
  let y = conv2d({ filters: 96, kernelSize: 11, strides: 4, activation: 'relu', name: 'conv1' }).apply(x);
  y = maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1' }).apply(y);
  y = conv2d({ filters: 256, kernelSize: 5, padding: 'same', activation: 'relu', name: 'conv2' }).apply(y);
  y = maxPooling2d({ poolSize: 3, strides: 2, name: 'pool2' }).apply(y);
  y = conv2d({ filters: 384, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv3' }).apply(y);
  y = conv2d({ filters: 384, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv4' }).apply(y);
  y = conv2d({ filters: 256, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv5' }).apply(y);
  return maxPooling2d({ poolSize: 3, strides: 2, name: 'pool5' }).apply(y);
}

function alexNetTop(x: SymbolicTensor, classes: number, activation: string): SymbolicTensor {
  let y = flatten({ name: 'flatten' }).apply(x);
  y = dense({ units: 4096, activation: 'relu', name: 'fc6' }).apply(y);
  y = dropout({ rate: 0.5, name: 'drop6' }).apply(y);
  y = dense({ units: 4096, activation: 'relu', name: 'fc7' }).apply(y);
  y = dropout({ rate: 0.5, name: 'drop7' }).apply(y);
  return dense({ units: classes, activation, name: 'predictions' }).apply(y);
}

/**
 * AlexNet on 227x227x3 images: conv 96@11x11/4, max-pool 3/2, conv 256@5x5, max-pool, conv 384, 384, 256
 * @3x3, max-pool, then dense 4,096, 4,096 (dropout 0.5) and the class layer: 62,378,344 parameters with
 * the top, 3,747,200 without. Input `[batch, 227, 227, 3]` by default (at least 67x67).
 */
export function alexNet(options: ApplicationOptions = {}): Promise<Model> {
  return buildApplication(
    { name: 'alexnet', defaultSize: 227, minSize: 67, base: alexNetBase, top: alexNetTop },
    options,
  );
}
