import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PreparedQuery } from '../../packages/server/src/stores/sql/PreparedQuery';

interface TestDb {
  items: { id: number; owner: string; size: number };
}

describe('PreparedQuery: compiled once, run with new values', () => {
  let db: Kysely<TestDb>;

  beforeEach(async () => {
    db = new Kysely<TestDb>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    await db.schema
      .createTable('items')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('owner', 'text')
      .addColumn('size', 'integer')
      .execute();
    await db
      .insertInto('items')
      .values([
        { id: 1, owner: 'ann', size: 5 },
        { id: 2, owner: 'ann', size: 9 },
        { id: 3, owner: 'bob', size: 7 },
      ])
      .execute();
  });
  afterEach(() => db.destroy());

  it('binds each argument where the builder put it, whatever the order and constants around it', async () => {
    // The constant 'x' and the limit are parameters too: arguments must land in their own slots only.
    const query = new PreparedQuery((owner: string, minSize: number) =>
      db
        .selectFrom('items')
        .select(['id'])
        .where('owner', '!=', 'x')
        .where('size', '>=', minSize)
        .where('owner', '=', owner)
        .orderBy('id')
        .limit(10),
    );
    expect((await query.execute(db, 'ann', 6)).map((r) => r.id)).toEqual([2]);
    expect((await query.execute(db, 'ann', 0)).map((r) => r.id)).toEqual([1, 2]);
    expect((await query.execute(db, 'bob', 0)).map((r) => r.id)).toEqual([3]);
    expect(await query.takeFirst(db, 'carol', 0)).toBeUndefined();
  });

  it('runs writes with RETURNING, inside a transaction', async () => {
    const grow = new PreparedQuery((id: number, by: number) =>
      db
        .updateTable('items')
        .set((eb) => ({ size: eb('size', '+', by) }))
        .where('id', '=', id)
        .returning(['size']),
    );
    const sizes = await db
      .transaction()
      .execute(async (trx) => [(await grow.takeFirst(trx, 1, 10))?.size, (await grow.takeFirst(trx, 1, 1))?.size]);
    expect(sizes).toEqual([15, 16]);
  });

  it('refuses a builder that binds an argument twice or not at all', async () => {
    const twice = new PreparedQuery((owner: string) =>
      db.selectFrom('items').select('id').where('owner', '=', owner).where('owner', '!=', owner),
    );
    await expect(twice.execute(db, 'ann')).rejects.toThrow(/argument 0 bound 2 times/);
    const never = new PreparedQuery((_owner: string) => db.selectFrom('items').select('id'));
    await expect(never.execute(db, 'ann')).rejects.toThrow(/argument 0 bound 0 times/);
  });
});
