import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { systemClock } from '../../packages/server/src/domain/clock';
import { SnowflakeGenerator } from '../../packages/server/src/domain/snowflake';
import { openSqliteStore } from '../../packages/server/src/stores/sqlite/openSqliteStore';
import { storeContract } from './storeContract';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-sqlite-contract-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let counter = 0;
storeContract('SQLite', {
  async open() {
    const file = path.join(root, `store-${++counter}.db`);
    const ids = new SnowflakeGenerator(2, systemClock);
    const store = await openSqliteStore({ file, ids });
    return { store, reopen: (other = ids) => openSqliteStore({ file, ids: other }) };
  },
});
