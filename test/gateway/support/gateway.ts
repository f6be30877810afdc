import type { Guild } from '@concord/protocol';
import type WebSocket from 'ws';
import { expect } from 'vitest';
import { RawGateway, type Frame } from '../../support/rawGateway';
import type { TestServer, TestUser } from '../../support/testServer';

/** Helpers shared by the gateway protocol tests: connecting, waiting, and small guild fixtures. */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Default identify properties → client kind "web" (see clientKindOf). */
export const WEB = { os: 'linux', browser: 'test', device: 'test' };
export const MOBILE = { os: 'ios', browser: 'Discord iOS', device: 'iphone' };
export const DESKTOP = { os: 'linux', browser: 'Discord Client', device: '' };

/** Opens a socket, identifies as `token` and resolves once READY and every GUILD_CREATE are in. */
export async function connectReady(
  server: Pick<TestServer, 'baseUrl'>,
  token: string,
  extra: Record<string, unknown> = {},
): Promise<RawGateway> {
  const gw = await RawGateway.connect(server.baseUrl);
  await gw.ready(token, extra);
  return gw;
}

export function sessionIdOf(ready: Frame): string {
  return (ready.d as { session_id: string }).session_id;
}

/** Resumes reading a socket stopped with pauseReading() (RawGateway keeps its socket private). */
export function resumeReading(gw: RawGateway): void {
  (gw as unknown as { ws: WebSocket }).ws.resume();
}

/** Sends RESUME on a fresh socket and resolves with the socket once RESUMED or INVALID_SESSION arrived. */
export async function resumeOn(
  server: Pick<TestServer, 'baseUrl'>,
  body: { token: string; session_id: string; seq: number | null },
): Promise<{ gw: RawGateway; outcome: 'RESUMED' | 'INVALID_SESSION' }> {
  const gw = await RawGateway.connect(server.baseUrl);
  await gw.waitFor((f) => f.op === 10);
  gw.send({ op: 6, d: body });
  const end = await gw.waitFor((f) => f.t === 'RESUMED' || f.op === 9);
  return { gw, outcome: end.op === 9 ? 'INVALID_SESSION' : 'RESUMED' };
}

/**
 * Proves a negative for a bounded time: after `marker` (a frame every party is known to receive
 * later than the event under test) has arrived, no frame matching `predicate` arrived before it.
 */
export async function expectNothingBefore(
  gw: RawGateway,
  predicate: (frame: Frame) => boolean,
  marker: (frame: Frame) => boolean,
): Promise<void> {
  await gw.waitFor(marker);
  const markerIndex = gw.frames.findIndex(marker);
  expect(gw.frames.slice(0, markerIndex).filter(predicate)).toEqual([]);
}

/** Frames of one type with `d` matching a channel. */
export const inChannel = (type: string, channelId: string) => (f: Frame) =>
  f.t === type && (f.d as { channel_id?: string }).channel_id === channelId;

/** A MESSAGE_CREATE with this content. */
export const messageWith = (content: string) => (f: Frame) =>
  f.t === 'MESSAGE_CREATE' && (f.d as { content?: string }).content === content;

export interface TestGuild {
  owner: TestUser;
  guild: Guild;
  channelId: string;
  inviteCode: string;
}

export async function makeGuild(
  server: Pick<TestServer, 'user'>,
  owner?: TestUser,
  name = 'Gateway Guild',
): Promise<TestGuild> {
  const who = owner ?? (await server.user());
  const guild = await who.api.createGuild({ name });
  const channelId = guild.system_channel_id;
  if (channelId === null) throw new Error('a new guild has a system channel');
  const invite = await who.api.createInvite(channelId, { max_age: 0 });
  return { owner: who, guild, channelId, inviteCode: invite.code };
}

export async function joinGuild(setup: TestGuild, ...users: TestUser[]): Promise<void> {
  for (const user of users) await user.api.acceptInvite(setup.inviteCode);
}

/** The dispatch sequence numbers a socket has seen, in arrival order. */
export function seqs(gw: RawGateway): number[] {
  return gw.dispatches().map((f) => f.s as number);
}

/** Asserts the socket's dispatches are numbered 1, 2, 3, … with no gap or repeat. */
export function expectContiguous(gw: RawGateway, from = 1): void {
  const seen = seqs(gw);
  expect(seen).toEqual(seen.map((_, i) => from + i));
}

/**
 * A round trip on one socket: the server answers HEARTBEAT in order with whatever it already wrote
 * to that socket, so once the ACK is in, every dispatch fanned out before the heartbeat is too.
 */
export async function flush(gw: RawGateway): Promise<void> {
  const acks = gw.frames.filter((f) => f.op === 11).length;
  gw.send({ op: 1, d: gw.lastSeq() });
  await gw.waitFor(() => gw.frames.filter((f) => f.op === 11).length > acks);
}

/** Polls until `check` holds (e.g. a counter settles after sockets finished closing). */
export async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(20);
  }
}
