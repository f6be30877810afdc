import type { Clock } from '../domain/clock';

/** A limit: at most `limit` requests per `windowMs`, counted per user (or IP) and major parameter. */
export interface RateBucket {
  limit: number;
  windowMs: number;
}

/**
 * Named buckets, shaped after Discord's: sending is limited per channel, everything else per user.
 * Unauthenticated routes (login, register) are counted per client IP to slow password guessing.
 */
export const RATE_BUCKETS = {
  global: { limit: 50, windowMs: 1_000 },
  auth: { limit: 20, windowMs: 60_000 },
  messageCreate: { limit: 10, windowMs: 5_000 },
  reaction: { limit: 20, windowMs: 5_000 },
  typing: { limit: 10, windowMs: 10_000 },
  guildCreate: { limit: 10, windowMs: 60_000 },
  inviteAccept: { limit: 10, windowMs: 60_000 },
} as const satisfies Record<string, RateBucket>;

export type RateBucketName = keyof typeof RATE_BUCKETS;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms when the window resets. */
  resetAt: number;
}

interface Window {
  count: number;
  resetAt: number;
}

/** Fixed-window counters in memory, bounded in size; a node enforces its own share of traffic. */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly clock: Clock,
    private readonly maxEntries = 200_000,
  ) {}

  hit(bucket: RateBucket, key: string): RateDecision {
    const now = this.clock.now();
    let window = this.windows.get(key);
    if (window === undefined || window.resetAt <= now) {
      if (this.windows.size >= this.maxEntries) this.sweep(now);
      window = { count: 0, resetAt: now + bucket.windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return {
      allowed: window.count <= bucket.limit,
      limit: bucket.limit,
      remaining: Math.max(0, bucket.limit - window.count),
      resetAt: window.resetAt,
    };
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    // Still full of live windows: drop the oldest half rather than grow without bound.
    if (this.windows.size >= this.maxEntries) {
      let drop = Math.floor(this.windows.size / 2);
      for (const key of this.windows.keys()) {
        if (drop-- <= 0) break;
        this.windows.delete(key);
      }
    }
  }
}
