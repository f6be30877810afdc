import { ConcordApi } from '@concord/sdk';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from '../support/serverProcess';
import { TestDatabases } from './postgresDatabases';

/**
 * The composition root in cluster mode: two node processes given the same CONCORD_DATABASE_URL
 * (and their own worker ids) serve the same data, and neither writes a SQLite file.
 */
const databases = new TestDatabases();
const dataDirs: string[] = [];
const nodes: ServerProcess[] = [];

beforeAll(async () => {
  await databases.ready();
  const databaseUrl = await databases.create();
  // Started together on an empty database, as a cluster's nodes may be: one of them migrates it.
  const started = ['21', '22'].map((workerId) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-pg-node-'));
    dataDirs.push(dataDir);
    return spawnServer(dataDir, { CONCORD_DATABASE_URL: databaseUrl, CONCORD_WORKER_ID: workerId });
  });
  const settled = await Promise.allSettled(started);
  // Whichever started is killed in afterAll, even when the other failed.
  for (const node of settled) if (node.status === 'fulfilled') nodes.push(node.value);
  for (const node of settled) if (node.status === 'rejected') throw node.reason;
}, 60_000);

afterAll(async () => {
  for (const node of nodes) node.child.kill('SIGKILL');
  await Promise.all(nodes.map((node) => node.exited));
  for (const dataDir of dataDirs) fs.rmSync(dataDir, { recursive: true, force: true });
  await databases.close();
});

describe('nodes started with CONCORD_DATABASE_URL', () => {
  it('share accounts, guilds and one gap-free message history through PostgreSQL', async () => {
    const [one, two] = [nodes[0]!, nodes[1]!];
    const alice = new ConcordApi({ baseUrl: one.baseUrl });
    await alice.register('pg_alice', 'a-long-password');
    const aliceOnTwo = new ConcordApi({ baseUrl: two.baseUrl });
    await aliceOnTwo.login('pg_alice', 'a-long-password');
    const guild = await alice.createGuild({ name: 'Shared' });
    const channelId = guild.system_channel_id!;

    const sent = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 === 0 ? alice : aliceOnTwo).sendMessage(channelId, { content: `m${i}`, nonce: `n${i}` }),
      ),
    );
    // A retry through the other node finds the message the first one acknowledged.
    const retried = await aliceOnTwo.sendMessage(channelId, { content: 'm0', nonce: 'n0' });
    expect(retried.id).toBe(sent[0]!.id);

    const stored = await aliceOnTwo.messages(channelId, { after_seq: 0, limit: 100 });
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(new Set(stored.map((m) => m.id))).toEqual(new Set(sent.map((m) => m.id)));
    for (const dataDir of dataDirs) expect(fs.existsSync(path.join(dataDir, 'concord.db'))).toBe(false);
  });
});
