import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, jitterBetween } from '@concord/sdk';
import { Heartbeater } from '../../packages/sdk/src/gateway/Heartbeater';

describe('backoffDelay', () => {
  it('grows exponentially, stays within [ceiling/2, ceiling] and is capped', () => {
    const options = { baseMs: 100, maxMs: 1000 };
    const low = [0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, options, () => 0));
    const high = [0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, options, () => 1));
    expect(low).toEqual([50, 100, 200, 400, 500, 500, 500]);
    expect(high).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('spreads clients out: different random draws give different delays', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, { baseMs: 1000, maxMs: 30_000 })));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(4000);
      expect(delay).toBeLessThanOrEqual(8000);
    }
  });

  it('never overflows after a very long outage', () => {
    expect(backoffDelay(10_000, { baseMs: 1000, maxMs: 30_000 }, () => 1)).toBe(30_000);
  });

  it('uses Discord-like defaults: 1 s doubling to 30 s', () => {
    expect(backoffDelay(0, {}, () => 1)).toBe(1000);
    expect(backoffDelay(20, {}, () => 1)).toBe(30_000);
  });

  it('jitterBetween draws within the bounds (the INVALID_SESSION wait)', () => {
    expect(jitterBetween(1000, 5000, () => 0)).toBe(1000);
    expect(jitterBetween(1000, 5000, () => 1)).toBe(5000);
  });
});

describe('Heartbeater', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function heartbeater(random: number) {
    const beats: number[] = [];
    let zombie = false;
    const hb = new Heartbeater({
      intervalMs: 1000,
      beat: () => beats.push(Date.now()),
      onZombie: () => (zombie = true),
      random: () => random,
      now: () => Date.now(),
    });
    return { hb, beats, isZombie: () => zombie };
  }

  it('beats first after interval × jitter, then every interval while acked', () => {
    const start = Date.now();
    const { hb, beats } = heartbeater(0.25);
    hb.start();
    vi.advanceTimersByTime(249);
    expect(beats).toHaveLength(0);
    vi.advanceTimersByTime(1);
    hb.ack();
    vi.advanceTimersByTime(1000);
    hb.ack();
    vi.advanceTimersByTime(1000);
    expect(beats.map((t) => t - start)).toEqual([250, 1250, 2250]);
    hb.stop();
  });

  it('declares a zombie when a beat is due and the previous one was never acked', () => {
    const { hb, beats, isZombie } = heartbeater(0);
    hb.start();
    vi.advanceTimersByTime(0);
    expect(beats).toHaveLength(1);
    vi.advanceTimersByTime(999);
    expect(isZombie()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(isZombie()).toBe(true);
    expect(beats).toHaveLength(1);
    // Stopped: nothing more.
    vi.advanceTimersByTime(5000);
    expect(beats).toHaveLength(1);
  });

  it('measures latency from beat to ack', () => {
    const { hb } = heartbeater(0);
    hb.start();
    vi.advanceTimersByTime(0);
    vi.advanceTimersByTime(42);
    hb.ack();
    expect(hb.latencyMs).toBe(42);
    hb.stop();
  });
});
