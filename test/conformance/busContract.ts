import { describe, expect, it } from 'vitest';
import type { Bus } from '../../packages/server/src/bus/Bus';

export interface BusFactory {
  /** Two connections to the same bus (two nodes); `close` closes both. */
  open(): Promise<{ a: Bus; b: Bus; close: () => Promise<void> }>;
}

async function eventually(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** What every Bus implementation must do (see the contract on the `Bus` interface). */
export function busContract(engine: string, factory: BusFactory): void {
  describe(`Bus conformance: ${engine}`, () => {
    it('delivers to subscribers of the subject on every connection, in publication order', async () => {
      const { a, b, close } = await factory.open();
      const gotA: string[] = [];
      const gotB: string[] = [];
      let gaps = 0;
      for (const bus of [a, b]) bus.onGap(() => (gaps += 1));
      a.subscribe('guild.1', (p) => gotA.push(p));
      b.subscribe('guild.1', (p) => gotB.push(p));
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (let i = 0; i < 100; i++) a.publish('guild.1', `m${i}`);
      const expected = Array.from({ length: 100 }, (_, i) => `m${i}`);
      await eventually(() => gotA.length === 100 && gotB.length === 100);
      expect(gotA).toEqual(expected);
      expect(gotB).toEqual(expected);
      // Nothing was lost, so no gap is reported.
      expect(gaps).toBe(0);
      await close();
    });

    it('does not deliver other subjects, or after unsubscribe', async () => {
      const { a, b, close } = await factory.open();
      const got: string[] = [];
      const subscription = b.subscribe('user.1', (p) => got.push(p));
      const marker: string[] = [];
      b.subscribe('user.marker', (p) => marker.push(p));
      await new Promise((resolve) => setTimeout(resolve, 50));
      a.publish('user.2', 'other subject');
      a.publish('user.1', 'first');
      a.publish('user.marker', 'm1');
      await eventually(() => marker.length === 1);
      subscription.unsubscribe();
      a.publish('user.1', 'after unsubscribe');
      a.publish('user.marker', 'm2');
      await eventually(() => marker.length === 2);
      expect(got).toEqual(['first']);
      await close();
    });

    it('never calls a handler inside publish', async () => {
      const { a, close } = await factory.open();
      let inside = false;
      let calledInside = false;
      const got: string[] = [];
      a.subscribe('guild.9', (p) => {
        calledInside ||= inside;
        got.push(p);
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      inside = true;
      a.publish('guild.9', 'x');
      inside = false;
      await eventually(() => got.length === 1);
      expect(calledInside).toBe(false);
      await close();
    });

    it('keeps independent subscriptions of the same handler apart', async () => {
      const { a, b, close } = await factory.open();
      const got: string[] = [];
      const handler = (p: string) => got.push(p);
      const first = b.subscribe('guild.2', handler);
      b.subscribe('guild.2', handler);
      await new Promise((resolve) => setTimeout(resolve, 50));
      a.publish('guild.2', 'one');
      await eventually(() => got.length === 2);
      first.unsubscribe();
      a.publish('guild.2', 'two');
      await eventually(() => got.length === 3);
      expect(got).toEqual(['one', 'one', 'two']);
      await close();
    });
  });
}
