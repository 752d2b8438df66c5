/**
 * Progress on stderr, so stdout keeps only the result: one line rewritten in place on a terminal, a line per tenth
 * of the work otherwise (CI logs).
 * @module
 */

/** A running task's progress. */
export interface Progress {
  advance(count: number): void;
  /** Prints the final line (count, seconds, rate). */
  finish(): void;
}

/** Where progress goes; a Writable stream such as `process.stderr`. */
export interface ProgressSink {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Minimum time between two rewrites of the terminal line. */
const REDRAW_MS = 250;

/** Starts reporting `label` over `total` units of work. */
export function startProgress(label: string, total: number, sink: ProgressSink = process.stderr): Progress {
  const started = performance.now();
  let done = 0;
  let lastDrawMs = 0;
  let lastTenth = 0;
  const line = (): string => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const etaS = rate > 0 ? Math.round((total - done) / rate) : 0;
    return `[eval] ${label} ${done}/${total} (${rate.toFixed(1)}/s, ${seconds.toFixed(0)} s, eta ${etaS} s)`;
  };
  return {
    advance(count: number): void {
      done = Math.min(total, done + count);
      if (sink.isTTY) {
        if (performance.now() - lastDrawMs < REDRAW_MS) return;
        lastDrawMs = performance.now();
        sink.write(`\r${line()}\x1b[K`);
        return;
      }
      const tenth = total === 0 ? 10 : Math.floor((10 * done) / total);
      if (tenth > lastTenth && tenth < 10) sink.write(`${line()}\n`);
      lastTenth = tenth;
    },
    finish(): void {
      done = total;
      sink.write(`${sink.isTTY ? '\r' : ''}${line()}${sink.isTTY ? '\x1b[K' : ''}\n`);
    },
  };
}
