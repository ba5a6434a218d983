// One tab's worker and its Train / Pause / Reset buttons.
import type { FromWorker, ToWorker } from './protocol.js';

/** The control messages every tab's worker shares. */
type Control = { type: 'error'; message: string } | { type: 'paused' } | { type: 'resumed' } | { type: 'reset' };

/** `In` / `Out`: the tab's messages to and from its worker (tabs 1-2 share worker.ts; tab 4 has cls-worker.ts). */
export class Runner<In extends { type: string } = ToWorker, Out extends { type: string } = FromWorker> {
  readonly worker: Worker;
  running = false;
  paused = false;

  constructor(
    private readonly buttons: { train: HTMLButtonElement; pause: HTMLButtonElement; reset: HTMLButtonElement },
    private readonly status: HTMLElement,
    private readonly error: HTMLElement,
    onMessage: (m: Out) => void,
    worker?: Worker,
  ) {
    this.worker = worker ?? new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<Out>) => {
      const m = e.data as unknown as Control;
      if (m.type === 'error') {
        this.showError(m.message);
        this.stopped();
      } else if (m.type === 'paused') this.setStatusSuffix(' · paused');
      else if (m.type === 'resumed') this.setStatusSuffix('');
      onMessage(e.data);
    };
    this.worker.onerror = (e) => this.showError(`worker: ${e.message}`);
    buttons.pause.addEventListener('click', () => {
      if (!this.running) return;
      this.paused = !this.paused;
      buttons.pause.textContent = this.paused ? 'Resume' : 'Pause';
      this.worker.postMessage({ type: this.paused ? 'pause' : 'resume' });
    });
  }

  send(m: In): void {
    this.worker.postMessage(m);
  }

  /**
   * Wires a tab's model form: submitting trains (`train(config)`), Reset stops the run, and a
   * change to any of `fields` (or the first call) sets up a new untrained model (`setup(config)`).
   * `config()` returns the form's values or a one-line error to show. Returns the setup function.
   */
  bindForm<C>(o: { form: HTMLElement; reset: HTMLElement; fields: string[]; config: () => C | string; showSeeds: (c: C) => void; setup: (c: C) => In; train: (c: C) => In }): () => void {
    const read = (): C | null => {
      const c = o.config();
      if (typeof c === 'string') {
        this.showError(c);
        return null;
      }
      this.clearError();
      o.showSeeds(c);
      return c;
    };
    const setup = (): void => {
      const c = read();
      if (c === null) return;
      this.stopped();
      this.send(o.setup(c));
    };
    o.form.addEventListener('submit', (e) => {
      e.preventDefault();
      const c = read();
      if (c === null) return;
      this.started();
      this.send(o.train(c));
    });
    o.reset.addEventListener('click', () => {
      this.stopped();
      this.send({ type: 'reset' } as In);
    });
    for (const id of o.fields) document.getElementById(id)!.addEventListener('change', setup);
    return setup;
  }

  showError(msg: string): void {
    this.error.textContent = msg;
  }

  clearError(): void {
    this.error.textContent = '';
  }

  started(): void {
    this.running = true;
    this.paused = false;
    this.buttons.pause.disabled = false;
    this.buttons.pause.textContent = 'Pause';
    this.buttons.train.textContent = 'Train again';
  }

  stopped(): void {
    this.suffix = '';
    this.running = false;
    this.paused = false;
    this.buttons.pause.disabled = true;
    this.buttons.pause.textContent = 'Pause';
  }

  private suffix = '';
  setStatus(text: string): void {
    this.status.textContent = text + this.suffix;
  }

  private setStatusSuffix(s: string): void {
    const base = (this.status.textContent ?? '').replace(/ · paused$/, '');
    this.suffix = s;
    this.status.textContent = base + s;
  }
}

/**
 * Repaints at most every `ms` (and once after the last call), however fast epochs arrive: the
 * charts are the main thread's only real work, and on a busy machine a redraw per frame would
 * take its time from the input handling the page owes the user.
 */
export function throttled(draw: () => void, ms = 150): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = -Infinity;
  return () => {
    if (timer !== null) return;
    const wait = Math.max(0, last + ms - performance.now());
    timer = setTimeout(() => {
      timer = null;
      requestAnimationFrame(() => {
        last = performance.now();
        draw();
      });
    }, wait);
  };
}

export function num(id: string): number {
  const v = Number((document.getElementById(id) as HTMLInputElement).value);
  return Number.isFinite(v) ? v : NaN;
}

export function fmt(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toPrecision(4) : v.toExponential(3);
}
