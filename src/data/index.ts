export { gs10, type Series } from './datasets.js';
export { windowsNto1, windowsNtoN } from './windows.js';
export { DataError, parseSeriesCsv, type FillMode, type ParseSeriesCsvOptions, type SeriesTable } from './csv.js';
export { fetchFredCsv, FRED_CSV_URL, type FetchFredOptions } from './fred.js';
export { applySplit, timeSplit, type Span, type SplitSpans, type TimeSplitOptions } from './split.js';
export { IdentityScaler, makeScaler, MinMaxScaler, scalerFromJSON, StandardScaler, type Scaler, type ScalerJSON, type ScalerKind } from './scaler.js';
export { windowsHorizon } from './horizon.js';
export { DataLoader, TensorDataset, type BatchDataset, type DataLoaderOptions } from './loader.js';
export { nextDates } from './dates.js';
