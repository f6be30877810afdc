import { afterAll, afterEach, beforeAll } from 'vitest';
import { systemClock } from '../../packages/server/src/domain/clock';
import { SnowflakeGenerator, type IdGenerator } from '../../packages/server/src/domain/snowflake';
import { openPostgresStore } from '../../packages/server/src/stores/postgres/openPostgresStore';
import { TestDatabases } from './postgresDatabases';
import { storeContract } from './storeContract';

const databases = new TestDatabases();
beforeAll(() => databases.ready());
// Dropped after each test rather than all at the end: 65 drops in one hook outlast its timeout on a busy machine.
afterEach(() => databases.dropCreated());
afterAll(() => databases.close());

storeContract('PostgreSQL', {
  async open() {
    // Every test gets its own empty database; reopening connects a new pool to the same one.
    const connectionString = await databases.create();
    const ids = new SnowflakeGenerator(3, systemClock);
    const open = (other: IdGenerator = ids) => openPostgresStore({ connectionString, ids: other, poolSize: 4 });
    const store = await open();
    return { store, reopen: open };
  },
});
