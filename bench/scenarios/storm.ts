import { nowUs } from '../loadgen/histogram';
import type { ReconnectResult, SendResult } from '../loadgen/protocol';
import { mergeAcked, sleep, sum, type RunContext } from './context';

export interface StormResult {
  sessions: number;
  messagesWhileAway: number;
  resumed: number;
  reidentified: number;
  failed: number;
  notCaughtUp: number;
  /** From the reconnect until the last dropped session had every message sent while it was away. */
  catchUpMs: number;
  missing: number;
  duplicates: number;
  /** Sessions the server closed that were not part of the drop (they reconnect by themselves). */
  serverCloses: number;
  correctnessFailure: boolean;
}

/**
 * Scenario 5: drop many fan-out sessions at once (sockets destroyed, no close frame), send into
 * their channels while they are away, then reconnect them all together. Each RESUMEs (or, told
 * INVALID_SESSION, identifies again and fetches what it missed by seq); every member, dropped or
 * not, must end with each message exactly once.
 */
export async function runStorm(ctx: RunContext): Promise<StormResult> {
  const { profile, world, workers } = ctx;
  // Spread the dropped sessions over every channel: member 0 of each, then member 1, …
  const fanoutUsers = world.fanout.flatMap((c) => c.members.map((user, position) => ({ user, position })));
  fanoutUsers.sort((a, b) => a.position - b.position || a.user - b.user);
  const dropped = fanoutUsers.slice(0, profile.stormSessions).map((entry) => entry.user);
  const keysOf = (w: number) => dropped.filter((user) => ctx.workerOf(user) === w);

  await workers.all({ cmd: 'stepBegin' });
  const closes0 = await ctx.serverCloses();
  await workers.each((w) => ({ cmd: 'drop', keys: keysOf(w) }));
  // Let the server see every socket go (it detaches the sessions and keeps them resumable).
  await sleep(profile.stormSettleMs);
  const [first] = workers.workers;
  if (first === undefined) throw new Error('no load-generator worker');
  const burst = await first.call<SendResult>({
    cmd: 'burst',
    args: {
      baseUrl: world.baseUrl,
      senders: world.fanout.map((c) => ({ channelId: c.id, token: world.tokens[c.sender] as string })),
      perChannel: profile.stormMessagesPerChannel,
      connections: profile.sendConnections,
      contentBytes: profile.contentBytes,
    },
  });
  const expected = mergeAcked([burst]);
  const started = nowUs();
  const reconnected = await workers.each<ReconnectResult>((w) => ({
    cmd: 'reconnect',
    args: { keys: keysOf(w), gatewayUrl: world.gatewayUrl, baseUrl: world.baseUrl, expected },
  }));
  const lastCaughtUp = Math.max(...reconnected.map((r) => r.lastCaughtUpUs));
  const membersOf = new Map(world.fanout.map((c) => [c.id, c.members.length]));
  const expectedDeliveries = sum([...expected].map(([id, seqs]) => seqs.length * (membersOf.get(id) ?? 0)));
  await ctx.drain(expectedDeliveries, profile.drainMs);
  const verified = await ctx.verify(expected);
  const result: StormResult = {
    sessions: dropped.length,
    messagesWhileAway: sum([...expected.values()].map((s) => s.length)),
    resumed: sum(reconnected.map((r) => r.resumed)),
    reidentified: sum(reconnected.map((r) => r.reidentified)),
    failed: sum(reconnected.map((r) => r.failed)),
    notCaughtUp: sum(reconnected.map((r) => r.notCaughtUp)),
    catchUpMs: lastCaughtUp > 0 ? (lastCaughtUp - started) / 1000 : -1,
    missing: sum(verified.map((v) => v.missing)),
    duplicates: sum(verified.map((v) => v.duplicates)),
    serverCloses: (await ctx.serverCloses()) - closes0,
    correctnessFailure: false,
  };
  result.correctnessFailure =
    result.missing > 0 || result.duplicates > 0 || result.notCaughtUp > 0 || result.failed > 0;
  ctx.log(
    `  storm: ${result.sessions} dropped, ${result.resumed} resumed, ${result.reidentified} identified again, ` +
      `all caught up in ${result.catchUpMs.toFixed(0)} ms` +
      (result.serverCloses > 0 ? `; ${result.serverCloses} other sessions closed by the server` : '') +
      (result.correctnessFailure
        ? `; FAILED missing ${result.missing} dup ${result.duplicates} failed ${result.failed} behind ${result.notCaughtUp}`
        : ''),
  );
  for (const sample of verified.flatMap((v) => v.samples).slice(0, 5)) ctx.log(`      ${sample}`);
  return result;
}
