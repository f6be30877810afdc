import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../packages/server/src/domain/clock';
import { SnowflakeGenerator } from '../../packages/server/src/domain/snowflake';
import { PrincipalCache, type Principal } from '../../packages/server/src/services/accounts/PrincipalCache';
import { SessionActivity } from '../../packages/server/src/services/accounts/SessionActivity';
import { openSqliteStore } from '../../packages/server/src/stores/sqlite/openSqliteStore';

function principal(userId: string, sessionId: string): Principal {
  return {
    user: {
      id: userId,
      username: `u${userId}`,
      globalName: null,
      avatar: null,
      bot: false,
      passwordHash: null,
      flags: 0,
      createdAt: 0,
    },
    session: { id: sessionId, userId, tokenHash: `h${sessionId}`, device: null, createdAt: 0, lastUsedAt: 0 },
  };
}

describe('PrincipalCache', () => {
  it('serves an entry until its TTL, and forgets every token of a user at once', () => {
    const cache = new PrincipalCache(1_000, 10);
    cache.set('a1', principal('1', 's1'), 0, cache.currentEpoch);
    cache.set('a2', principal('1', 's2'), 0, cache.currentEpoch);
    cache.set('b1', principal('2', 's3'), 0, cache.currentEpoch);
    expect(cache.get('a1', 999)?.session.id).toBe('s1');
    expect(cache.get('a1', 1_000)).toBeUndefined();
    cache.forgetUser('1');
    expect(cache.get('a2', 10)).toBeUndefined();
    expect(cache.get('b1', 10)?.user.id).toBe('2');
  });

  it('does not cache a lookup that raced with an invalidation (a token revoked meanwhile)', () => {
    const cache = new PrincipalCache(1_000, 10);
    const epoch = cache.currentEpoch; // the lookup starts reading the store…
    cache.forgetUser('1'); // …the session is revoked and forgotten…
    cache.set('a1', principal('1', 's1'), 0, epoch); // …and the stale read comes back.
    expect(cache.get('a1', 1)).toBeUndefined();
  });

  it('holds at most its capacity, dropping the entry cached longest ago', () => {
    const cache = new PrincipalCache(60_000, 2);
    for (const n of ['1', '2', '3']) cache.set(`t${n}`, principal(n, `s${n}`), 0, cache.currentEpoch);
    expect(cache.get('t1', 1)).toBeUndefined();
    expect(cache.get('t2', 1)?.user.id).toBe('2');
    expect(cache.get('t3', 1)?.user.id).toBe('3');
  });
});

describe('SessionActivity', () => {
  it('writes the latest use of each session in one batch, and on close', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-activity-'));
    const ids = new SnowflakeGenerator(1, systemClock);
    const store = await openSqliteStore({ file: path.join(dir, 'concord.db'), ids });
    try {
      const { user } = principal(ids.next(), '0');
      await store.users.create(user);
      const sessions = [ids.next(), ids.next()];
      for (const [i, id] of sessions.entries()) {
        await store.sessions.create({
          id,
          userId: user.id,
          tokenHash: `h${i}`,
          device: null,
          createdAt: 1,
          lastUsedAt: 1,
        });
      }
      const activity = new SessionActivity(store.sessions, 60_000);
      activity.record(sessions[0]!, 10);
      activity.record(sessions[0]!, 20);
      activity.record(sessions[1]!, 30);
      expect((await store.sessions.getByTokenHash('h0'))?.lastUsedAt).toBe(1); // written behind
      await activity.flush();
      expect((await store.sessions.getByTokenHash('h0'))?.lastUsedAt).toBe(20);
      expect((await store.sessions.getByTokenHash('h1'))?.lastUsedAt).toBe(30);
      activity.record(sessions[1]!, 40);
      await activity.close();
      expect((await store.sessions.getByTokenHash('h1'))?.lastUsedAt).toBe(40);
    } finally {
      await store.close();
    }
  });
});
