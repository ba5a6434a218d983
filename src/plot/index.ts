// Browser-safe plotting: Vega-Lite specs, SVG rendering, the HTML report and terminal output.
// The PNG helper is Node-only and lives in './png.js'.
export {
  lossCurvesSpec, actualVsPredictedSpec, gradientNormsSpec, modelColors, dateAxis, ZOOM_SHARE, BASE_CONFIG, PALETTE, ACTUAL_COLOR,
  type TopLevelSpec, type LossHistory, type LossCurvesOptions, type DatedSeries,
  type ActualVsPredictedInput, type GradientNormsOptions,
} from './specs.js';
export { renderSvg } from './render.js';
export { htmlReport, escapeHtml, type ReportInput } from './report.js';
export { terminalChart, bestSeriesChart, metricsTable, type TerminalChartOptions, type ScoredSeries, type BestSeriesChartOptions } from './terminal.js';
export { formatCell } from './format.js';
export { accuracyCurvesSpec, confusionMatrixSpec, type AccuracyHistory, type AccuracyCurvesOptions, type ConfusionMatrixSpecOptions } from './classification.js';
export { terminalConfusionMatrix, type TerminalConfusionOptions } from './terminal-confusion.js';
export { lttb, LttbSampler, downsampleSeries, downsampleNote, type ChartSeries } from './lttb.js';
