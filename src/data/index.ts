export { gs10, type Series } from './datasets.js';
export { windowsNto1, windowsNtoN } from './windows.js';
