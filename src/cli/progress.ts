// Progress bars on stderr, only on a terminal and never with --quiet or --json.
import cliProgress from 'cli-progress';
import type { train } from '../index.js';

export interface Progress {
  onProgress: (e: train.ProgressEvent) => void;
  stop: () => void;
}

export function progressBar(label: string, enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return { onProgress: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label.padEnd(12)} {bar} epoch {epoch}/{epochs} | loss {loss} | {rate} it/s | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress: (e) => {
      const total = e.epochs * e.batches;
      const value = (e.epoch - 1) * e.batches + e.batch;
      const payload = { epoch: e.epoch, epochs: e.epochs, loss: e.loss.toFixed(4), rate: e.itPerSec.toFixed(0) };
      if (!started) {
        bar.start(total, value, payload);
        started = true;
      } else bar.update(value, payload);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
