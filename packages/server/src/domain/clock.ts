/** Wall-clock time, injected so tests can control it. Ordering never depends on it: `seq` does. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
