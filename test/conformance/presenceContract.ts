import { describe, expect, it } from 'vitest';
import type { PresenceStore } from '../../packages/server/src/presence/PresenceStore';

export interface PresenceFactory {
  open(): Promise<PresenceStore>;
}

/** What every PresenceStore implementation must do (see the contract on the interface). */
export function presenceContract(engine: string, factory: PresenceFactory): void {
  describe(`PresenceStore conformance: ${engine}`, () => {
    it('keeps one entry per session, replaced on set, gone on remove', async () => {
      const store = await factory.open();
      await store.set({ userId: 'u1', sessionId: 's1', status: 'online', clientKind: 'desktop', activities: [] });
      await store.set({ userId: 'u1', sessionId: 's2', status: 'idle', clientKind: 'mobile', activities: [] });
      await store.set({
        userId: 'u1',
        sessionId: 's1',
        status: 'dnd',
        clientKind: 'desktop',
        activities: [{ name: 'x', type: 0 }],
      });
      const sessions = (await store.sessionsOf('u1')).sort((x, y) => x.sessionId.localeCompare(y.sessionId));
      expect(sessions.map((s) => [s.sessionId, s.status])).toEqual([
        ['s1', 'dnd'],
        ['s2', 'idle'],
      ]);
      expect(sessions[0]?.activities).toEqual([{ name: 'x', type: 0 }]);
      await store.remove('u1', 's1');
      await store.remove('u1', 'missing');
      expect((await store.sessionsOf('u1')).map((s) => s.sessionId)).toEqual(['s2']);
      const many = await store.sessionsOfMany(['u1', 'nobody']);
      expect(many.get('u1')?.length).toBe(1);
      expect(many.get('nobody') ?? []).toEqual([]);
      await store.close();
    });

    it('reports typing once per window per user and channel', async () => {
      const store = await factory.open();
      expect(await store.startTyping('c1', 'u1', 1_000, 5_000)).toBe(true);
      expect(await store.startTyping('c1', 'u1', 3_000, 5_000)).toBe(false);
      expect(await store.startTyping('c1', 'u2', 3_000, 5_000)).toBe(true);
      expect(await store.startTyping('c2', 'u1', 3_000, 5_000)).toBe(true);
      expect(await store.startTyping('c1', 'u1', 6_001, 5_000)).toBe(true);
      // A message ends the indicator: typing right after it is announced again, inside the window.
      await store.stopTyping('c1', 'u1');
      expect(await store.startTyping('c1', 'u1', 6_002, 5_000)).toBe(true);
      expect(await store.startTyping('c1', 'u1', 6_003, 5_000)).toBe(false);
      await store.stopTyping('c9', 'u9'); // nothing to stop: no error
      await store.close();
    });
  });
}
