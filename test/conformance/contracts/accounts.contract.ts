import { describe, expect, it } from 'vitest';
import type { StoreFactory } from '../storeContract';
import { aUser, ids } from '../fixtures';

export function accountsContract(factory: StoreFactory): void {
  describe('UserStore', () => {
    it('creates, reads back and finds by username case-insensitively', async () => {
      const { store } = await factory.open();
      const user = aUser({ username: 'Alice_1', globalName: 'Alice' });
      expect(await store.users.create(user)).toBe(true);
      expect(await store.users.get(user.id)).toEqual(user);
      expect(await store.users.getByUsername('alice_1')).toEqual(user);
      expect(await store.users.get(ids.next())).toBeUndefined();
      await store.close();
    });

    it('refuses a taken username on create and update, writing nothing', async () => {
      const { store } = await factory.open();
      const a = aUser({ username: 'bob' });
      const b = aUser({ username: 'carol' });
      expect(await store.users.create(a)).toBe(true);
      expect(await store.users.create({ ...aUser(), username: 'BOB' })).toBe(false);
      expect(await store.users.create(b)).toBe(true);
      expect(await store.users.update(b.id, { username: 'Bob' })).toBe('username_taken');
      expect((await store.users.get(b.id))?.username).toBe('carol');
      await store.close();
    });

    it('updates fields and returns undefined for a missing user', async () => {
      const { store } = await factory.open();
      const a = aUser();
      await store.users.create(a);
      const updated = await store.users.update(a.id, { globalName: 'New', passwordHash: 'h2' });
      expect(updated).toMatchObject({ globalName: 'New', passwordHash: 'h2', username: a.username });
      expect(await store.users.update(ids.next(), { globalName: 'x' })).toBeUndefined();
      const many = await store.users.getMany([a.id, ids.next(), a.id]);
      expect(many.map((u) => u.id)).toEqual([a.id]);
      await store.close();
    });

    it('keeps 64-bit ids exactly', async () => {
      const { store } = await factory.open();
      const user = aUser({ id: '9223372036854775807' });
      await store.users.create(user);
      expect((await store.users.get('9223372036854775807'))?.id).toBe('9223372036854775807');
      await store.close();
    });
  });

  describe('SessionStore', () => {
    it('creates, finds by token hash, lists, touches and deletes sessions', async () => {
      const { store } = await factory.open();
      const user = aUser();
      const other = aUser();
      await store.users.create(user);
      await store.users.create(other);
      const s1 = { id: ids.next(), userId: user.id, tokenHash: 'h1', device: 'phone', createdAt: 1, lastUsedAt: 1 };
      const s2 = { id: ids.next(), userId: user.id, tokenHash: 'h2', device: null, createdAt: 2, lastUsedAt: 2 };
      const s3 = { id: ids.next(), userId: other.id, tokenHash: 'h3', device: null, createdAt: 3, lastUsedAt: 3 };
      for (const s of [s1, s2, s3]) await store.sessions.create(s);
      expect(await store.sessions.getByTokenHash('h2')).toEqual(s2);
      expect(await store.sessions.getByTokenHash('nope')).toBeUndefined();
      expect((await store.sessions.listForUser(user.id)).map((s) => s.id)).toEqual([s1.id, s2.id]);
      await store.sessions.touch([
        { id: s1.id, at: 99 },
        { id: s3.id, at: 77 },
        { id: ids.next(), at: 55 }, // gone meanwhile: ignored
      ]);
      await store.sessions.touch([]);
      expect((await store.sessions.getByTokenHash('h1'))?.lastUsedAt).toBe(99);
      expect((await store.sessions.getByTokenHash('h2'))?.lastUsedAt).toBe(2);
      expect((await store.sessions.getByTokenHash('h3'))?.lastUsedAt).toBe(77);
      // Someone else's session cannot be deleted through another user.
      expect(await store.sessions.delete(user.id, s3.id)).toBe(false);
      expect(await store.sessions.delete(user.id, s1.id)).toBe(true);
      expect(await store.sessions.delete(user.id, s1.id)).toBe(false);
      await store.sessions.create({ ...s1, id: ids.next(), tokenHash: 'h4' });
      const removed = await store.sessions.deleteAllForUser(user.id, s2.id);
      expect(removed).toHaveLength(1);
      expect((await store.sessions.listForUser(user.id)).map((s) => s.id)).toEqual([s2.id]);
      expect(await store.sessions.getByTokenHash('h3')).toEqual({ ...s3, lastUsedAt: 77 });
      await store.close();
    });
  });

  describe('ApplicationStore', () => {
    it('creates an application with its bot user atomically', async () => {
      const { store } = await factory.open();
      const owner = aUser();
      await store.users.create(owner);
      const bot = aUser({ bot: true, passwordHash: null });
      const app = {
        id: ids.next(),
        ownerId: owner.id,
        name: 'Helper',
        description: '',
        botUserId: bot.id,
        createdAt: 5,
      };
      expect(await store.applications.create(app, bot)).toBe(true);
      expect(await store.applications.get(app.id)).toEqual(app);
      expect(await store.applications.getByBotUser(bot.id)).toEqual(app);
      expect(await store.applications.listForOwner(owner.id)).toEqual([app]);
      expect((await store.users.get(bot.id))?.bot).toBe(true);
      // A clash on the bot's username rolls back the application too.
      const clash = aUser({ username: bot.username, bot: true });
      const app2 = { ...app, id: ids.next(), botUserId: clash.id };
      expect(await store.applications.create(app2, clash)).toBe(false);
      expect(await store.applications.get(app2.id)).toBeUndefined();
      await store.close();
    });
  });
}
