import { SNOWFLAKE_EPOCH_MS } from '@concord/protocol';
import type { Clock } from './clock';

/** Source of unique, time-ordered ids. */
export interface IdGenerator {
  next(): string;
  /** An id greater than `floor` (and than every id minted before): keeps ids increasing within a channel. */
  nextAfter(floor: string | null): string;
}

/**
 * Mints Discord-shaped snowflakes: 42 bits of ms since 2015 | 10 bits worker | 12 bits counter.
 * Ids from one generator are strictly increasing even if the wall clock steps back: the generator
 * never goes below the last timestamp it used.
 */
export class SnowflakeGenerator implements IdGenerator {
  private lastMs = 0;
  private counter = 0;

  constructor(
    private readonly workerId: number,
    private readonly clock: Clock,
  ) {
    if (!Number.isInteger(workerId) || workerId < 0 || workerId > 1023) {
      throw new RangeError(`snowflake worker id must be 0..1023, got ${workerId}`);
    }
  }

  next(): string {
    return this.nextAfter(null);
  }

  nextAfter(floor: string | null): string {
    const floorMs = floor === null ? 0 : Number(BigInt(floor) >> 22n);
    let ms = Math.max(this.clock.now() - SNOWFLAKE_EPOCH_MS, this.lastMs, floorMs);
    if (ms === this.lastMs) {
      this.counter += 1;
      if (this.counter > 0xfff) {
        // 4096 ids in one millisecond: borrow the next millisecond rather than repeat an id.
        ms += 1;
        this.counter = 0;
      }
    } else {
      this.counter = 0;
    }
    let id = this.compose(ms);
    if (floor !== null && id <= BigInt(floor)) {
      // Another worker minted `floor` in this millisecond with a higher worker id: move past it.
      ms += 1;
      this.counter = 0;
      id = this.compose(ms);
    }
    this.lastMs = ms;
    return id.toString();
  }

  private compose(ms: number): bigint {
    return (BigInt(ms) << 22n) | (BigInt(this.workerId) << 12n) | BigInt(this.counter);
  }
}
