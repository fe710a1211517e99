// Ends sessions that have been idle too long: no input, no command running. Timer-based by nature (it is a timeout);
// one timer per session, refreshed on activity rather than re-created.

export interface IdleWatch {
  /** Something happened: the idle clock starts again. */
  touch(): void;
  stop(): void;
}

/** Calls `onIdle` after `timeoutMs` without a touch, unless `busy()` says a command runs (then it waits again). */
export function watchIdle(timeoutMs: number, busy: () => boolean, onIdle: () => void): IdleWatch {
  if (timeoutMs <= 0) return { touch() {}, stop() {} };
  const timer = setTimeout(function check() {
    if (busy()) timer.refresh();
    else onIdle();
  }, timeoutMs);
  timer.unref();
  return { touch: () => void timer.refresh(), stop: () => clearTimeout(timer) };
}
