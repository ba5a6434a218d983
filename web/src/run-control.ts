// Run control shared by the playground's workers. Their training loops are visible and yield to
// the event loop between epochs (and every ~30 ms inside one), which is where Pause, Resume and
// Reset land. A run is cancelled by starting another (or by reset); a paused run awaits resume.

/** Progress goes out at most this often: each message costs the page a task, and it has few to spare on a busy machine. */
export const POST_MS = 100;

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

export class RunControl {
  private run = 0;
  private paused = false;
  private wake: (() => void) | null = null;

  /** Starts a new run (a waiting paused one wakes and ends) and returns its id. */
  start(): number {
    this.run++;
    this.resume();
    return this.run;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  /** Lets messages in; returns false when the run `id` was superseded meanwhile. */
  async checkpoint(id: number): Promise<boolean> {
    await tick();
    while (this.paused && id === this.run) await new Promise<void>((r) => (this.wake = r));
    return id === this.run;
  }
}

/** The run-control messages every tab's worker takes, and its answers. */
export type ControlMessage = { type: 'pause' } | { type: 'resume' } | { type: 'reset' };
export type ControlReply = { type: 'paused' } | { type: 'resumed' } | { type: 'reset' };

/**
 * Pause, Resume and Reset, the same in every worker: answers `msg` and returns true when it is one
 * of them. On Reset the running run is cancelled, then `rebuild` makes the tab's fresh model (and
 * posts its state), then 'reset' is posted.
 */
export function handleControl(control: RunControl, msg: { type: string }, post: (m: ControlReply) => void, rebuild: () => void): boolean {
  switch (msg.type) {
    case 'pause':
      control.pause();
      post({ type: 'paused' });
      return true;
    case 'resume':
      control.resume();
      post({ type: 'resumed' });
      return true;
    case 'reset':
      control.start();
      rebuild();
      post({ type: 'reset' });
      return true;
    default:
      return false;
  }
}
