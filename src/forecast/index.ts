export { mae, mape, mase, maseScale, metrics, rmse, smape, zeroActuals, type Metrics, type MetricsOptions } from './metrics.js';
export { runExperiment, type Covariate, type ExperimentOptions, type ExperimentResult, type ModelIntervals, type ModelResult } from './experiment.js';
export { isMultivariate, isProbabilistic } from './types.js';
export { checkQuantiles, intervalMetrics, levelKey, normalQuantile, rearrange, DEFAULT_LEVELS, type IntervalMetrics, type Quantiles } from './intervals.js';
export { pinballLoss } from './losses.js';
export { originalQuantiles, isPathSampler, type PathSampler } from './paths.js';
export type * from './types.js';

export {
  TransformChain, canonicalOrder, difference, seasonalDifference, log, detrend, transformEntryError, TRANSFORM_KINDS,
  type TransformSpec, type TransformJSON,
} from './transforms.js';
export {
  backtest, backtestPlan,
  type BacktestModel, type BacktestOptions, type BacktestIntervals, type BacktestResult, type BacktestModelResult, type HorizonError, type Retrain,
} from './backtest.js';
export { rangeExcursion, RANGE_MARGIN, type RangeExcursion } from './range.js';
export { tune, tuneSplit, gridConfigs, randomConfigs, type Config, type ParamSpace, type ParamValue, type Trial, type TuneOptions, type TuneResult } from './tune.js';
export {
  CALENDAR_FEATURES, calendarFeatures, calendarIndex, calendarNames, checkCalendar, parseCalendarDate, type CalendarFeature,
} from './calendar.js';
export {
  GlobalForecaster, GLOBAL_CELLS, backtestGlobal, type GlobalBacktestOptions, type GlobalBacktestResult, type GlobalBacktestModel, type GlobalBacktestSeries, globalWindows, panelFuture, pooledMetrics, runGlobalExperiment,
  type GlobalCell, type GlobalOptions, type GlobalWindow, type ScaledSeries, type PanelSeries, type GlobalExperimentOptions,
  type GlobalExperimentResult, type GlobalModelResult, type SeriesResult, type SeriesScalers, type PooledMetrics,
} from './global.js';
