/**
 * @tensorfold/viz: the pictures of deep learning (learning curves, confusion matrices, ROC curves,
 * decision boundaries, image grids, feature maps, Grad-CAM overlays, latent grids, model diagrams)
 * as deterministic SVG strings, plus Unicode charts for the terminal and a live training callback.
 * PNG bytes come from `@tensorfold/viz/node` (resvg) or `@tensorfold/viz/browser` (a canvas).
 *
 * @packageDocumentation
 */

export { type ActivationPlotOptions, activationPlot } from './charts/activation-plot.js';
export {
  type ConfusionMatrixOptions,
  confusionMatrix,
  confusionMatrixFromCounts,
  countConfusion,
} from './charts/confusion-matrix.js';
export { type DecisionBoundaryOptions, decisionBoundary } from './charts/decision-boundary.js';
export { binValues, type HistogramOptions, histogram, weightHistograms } from './charts/histogram.js';
export { type HistoryLike, type HistoryOptions, history, historySeries } from './charts/history.js';
export { type LineChartOptions, type LineSeries, lineChart } from './charts/line-chart.js';
export { type Pca, pca } from './charts/pca.js';
export {
  type AxisSpec,
  type BarMark,
  type CellMark,
  type LegendEntry,
  type LineMark,
  layoutPlot,
  type Mark,
  type PlotLayout,
  type PlotSpec,
  type PointMark,
  plot,
} from './charts/plot.js';
export { type Curve, type CurveOptions, prCurve, prPoints, rocCurve, rocPoints } from './charts/roc.js';
export { type ScatterOptions, scatter } from './charts/scatter.js';
export { plotSpecToVegaLite, toVegaLite, type VegaLiteSpec } from './charts/vega-lite.js';
export { classIds, type ReadValues, readValues, type Values } from './data.js';
export {
  type DiagramBox,
  type LayerGraph,
  type LayerGraphNode,
  layerGraph,
  layerGraphDiagram,
  type ModelDiagramOptions,
  modelDiagram,
  modelGraph,
} from './diagram/model-diagram.js';
export { type FeatureMapOptions, featureMaps, filterGrid } from './images/feature-maps.js';
export { type GradCamOptions, type GradCamResult, gradCam } from './images/grad-cam.js';
export {
  type HeatmapOverlayOptions,
  heatmapOverlay,
  heatmapOverlayRaster,
  resizeBilinear,
} from './images/heatmap-overlay.js';
export { type ImageGridOptions, imageGrid, imageGridPng, imageGridRaster } from './images/image-grid.js';
export { type LatentGridOptions, latentGrid, latentGridRaster } from './images/latent-grid.js';
export { autoRange, type ImageBatch, readImages, type ValueRange } from './images/pixels.js';
export { base64, createRaster, encodePng, pngDataUri, type Raster } from './images/raster.js';
export { type GridLayoutOptions, type Tile, tileGrid, tileGridRaster } from './images/tile-grid.js';
export { type ElementLike, LiveHistory, type LiveHistoryOptions, liveHistory } from './live-history.js';
export {
  COLOR_MAPS,
  type ColorMap,
  type ColorMapName,
  categorical,
  PALETTE,
} from './svg/colors.js';
export { embedFont } from './svg/embed-font.js';
export { type ArrangeOptions, arrange, type Figure } from './svg/figure.js';
export { CHAR_WIDTH_EM, FONT_FAMILY, textWidth } from './svg/text.js';
export { stripAnsi, supportsColor, type TerminalLike } from './terminal/ansi.js';
export { type TerminalHeatmapOptions, terminalHeatmap } from './terminal/heatmap.js';
export { type TerminalChartOptions, terminalHistory, terminalLineChart } from './terminal/line-chart.js';
