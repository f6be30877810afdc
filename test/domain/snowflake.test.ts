import { snowflakeTimestamp } from '@concord/protocol';
import { describe, expect, it } from 'vitest';
import { SnowflakeGenerator } from '../../packages/server/src/domain/snowflake';

const fixedClock = (ms: number) => ({ now: () => ms });

describe('SnowflakeGenerator', () => {
  it("encodes Discord's layout: ms since 2015 | worker | counter", () => {
    const at = Date.UTC(2026, 0, 1);
    const id = new SnowflakeGenerator(5, fixedClock(at)).next();
    expect(snowflakeTimestamp(id)).toBe(at);
    expect(Number((BigInt(id) >> 12n) & 0x3ffn)).toBe(5);
  });

  it('stays strictly increasing within a millisecond, past 4096 ids, and when the clock steps back', () => {
    let now = Date.UTC(2026, 0, 1);
    const generator = new SnowflakeGenerator(1, { now: () => now });
    let previous = 0n;
    for (let i = 0; i < 10_000; i++) {
      if (i === 5000) now -= 60_000; // clock skew backwards
      const id = BigInt(generator.next());
      expect(id > previous).toBe(true);
      previous = id;
    }
  });

  it('nextAfter mints past a floor minted by another worker in the same millisecond', () => {
    const at = Date.UTC(2026, 0, 1);
    const high = new SnowflakeGenerator(1000, fixedClock(at)).next();
    const low = new SnowflakeGenerator(1, fixedClock(at));
    const id = low.nextAfter(high);
    expect(BigInt(id) > BigInt(high)).toBe(true);
    expect(BigInt(low.next()) > BigInt(id)).toBe(true);
  });

  it('two workers never mint the same id', () => {
    const at = Date.UTC(2026, 0, 1);
    const a = new SnowflakeGenerator(1, fixedClock(at));
    const b = new SnowflakeGenerator(2, fixedClock(at));
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      seen.add(a.next());
      seen.add(b.next());
    }
    expect(seen.size).toBe(10_000);
  });

  it('rejects worker ids outside 0..1023', () => {
    expect(() => new SnowflakeGenerator(1024, fixedClock(0))).toThrow(RangeError);
  });
});
