import { ConcordApi, type ApiRequestError } from '@concord/sdk';
import type { Message } from '@concord/protocol';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from '../support/serverProcess';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-durability-'));
let server: ServerProcess | undefined;
afterAll(() => {
  server?.child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function kill(proc: ServerProcess): Promise<void> {
  proc.child.kill('SIGKILL');
  expect(await proc.exited).toBe('SIGKILL');
}

/** All messages of a channel in seq order, walking the sync cursor (tombstones included). */
async function readAll(api: ConcordApi, channelId: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const page = await api.messages(channelId, { after_seq: all.at(-1)?.seq ?? 0, limit: 100 });
    if (page.length === 0) return all;
    all.push(...page);
  }
}

describe('durability across SIGKILL', () => {
  it('keeps every acknowledged message with its id and seq, contiguous, and nonce retries still dedupe', async () => {
    server = await spawnServer(dataDir);
    const owner = new ConcordApi({ baseUrl: server.baseUrl });
    const { token } = await owner.register('durable_owner', 'a-long-password');
    const guild = await owner.createGuild({ name: 'Durable' });
    const channelId = guild.system_channel_id!;

    // 300 concurrent sends, each with its own nonce; then SIGKILL right after the last ack.
    const N = 300;
    const acked = await Promise.all(
      Array.from({ length: N }, (_, i) => owner.sendMessage(channelId, { content: `message ${i}`, nonce: `n-${i}` })),
    );
    await kill(server);

    server = await spawnServer(dataDir);
    const reopened = new ConcordApi({ baseUrl: server.baseUrl, token });
    const stored = await readAll(reopened, channelId);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    // Listings do not echo nonces (as on Discord); every message's content is unique here.
    const byContent = new Map(acked.map((m) => [m.content, m]));
    for (const message of stored) {
      const ack = byContent.get(message.content);
      expect(ack, `stored message ${message.seq} was acknowledged`).toBeDefined();
      expect({ id: message.id, seq: message.seq, content: message.content }).toEqual({
        id: ack!.id,
        seq: ack!.seq,
        content: ack!.content,
      });
    }
    // ids increase with seq
    for (let i = 1; i < stored.length; i++) expect(BigInt(stored[i]!.id) > BigInt(stored[i - 1]!.id)).toBe(true);

    // A retry after the restart returns the original and creates nothing.
    const retried = await Promise.all(
      acked.slice(0, 20).map((m) => reopened.sendMessage(channelId, { content: m.content, nonce: String(m.nonce) })),
    );
    expect(retried.map((m) => [m.id, m.seq])).toEqual(acked.slice(0, 20).map((m) => [m.id, m.seq]));
    expect((await readAll(reopened, channelId)).length).toBe(N);
    await kill(server);
  }, 120_000);

  it('loses no acknowledged message when killed while sends are in flight', async () => {
    server = await spawnServer(dataDir);
    const api = new ConcordApi({ baseUrl: server.baseUrl });
    const { token } = await api.login('durable_owner', 'a-long-password');
    const guild = await api.createGuild({ name: 'In flight' });
    const channelId = guild.system_channel_id!;
    const acked: Message[] = [];
    const proc = server;
    // Writers keep sending until the process dies; an error means "unknown", not "lost".
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; ; i++) {
        try {
          acked.push(await api.sendMessage(channelId, { content: `w${w} m${i}`, nonce: `w${w}-${i}` }));
        } catch (error) {
          if ((error as ApiRequestError).status !== undefined) throw error;
          return;
        }
      }
    });
    while (acked.length < 200) await new Promise((resolve) => setTimeout(resolve, 5));
    proc.child.kill('SIGKILL');
    await Promise.all(writers);
    await proc.exited;

    server = await spawnServer(dataDir);
    const reopened = new ConcordApi({ baseUrl: server.baseUrl, token });
    const stored = await readAll(reopened, channelId);
    const storedIds = new Map(stored.map((m) => [m.id, m.seq]));
    for (const message of acked) expect(storedIds.get(message.id), `ack ${message.id}`).toBe(message.seq);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    await kill(server);
  }, 120_000);
});
