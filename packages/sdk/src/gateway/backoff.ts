/** How reconnect (and REST retry) delays grow. */
export interface BackoffOptions {
  /** Ceiling of the first delay, in ms (default 1000). */
  baseMs?: number;
  /** The ceiling never exceeds this, in ms (default 30 000). */
  maxMs?: number;
  /** Growth of the ceiling per attempt (default 2). */
  factor?: number;
}

/**
 * The delay before retry number `attempt` (0-based): "equal jitter" — half the exponential ceiling
 * plus a random half. Jitter spreads a reconnect storm (a node restart drops thousands of sockets at
 * once) over time; keeping half fixed means a retry never fires instantly in a hot loop, and the cap
 * bounds how long a client stays away once the server is back.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const baseMs = options.baseMs ?? 1000;
  const maxMs = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  // Clamp the exponent so a very long outage cannot overflow to Infinity.
  const ceiling = Math.min(maxMs, baseMs * factor ** Math.min(attempt, 64));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** A uniformly random delay in `[minMs, maxMs]`. */
export function jitterBetween(minMs: number, maxMs: number, random: () => number = Math.random): number {
  return Math.round(minMs + (maxMs - minMs) * random());
}
