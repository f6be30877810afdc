import { LeanSession } from './gatewaySession';
import { nowUs } from './histogram';
import { HttpPool } from './httpClient';
import { StepLedger, type SessionRecord } from './ledger';
import { readHistory } from './historyReader';
import type {
  Expected,
  OpenArgs,
  OpenResult,
  Progress,
  ReconnectArgs,
  ReconnectResult,
  WorkerCommand,
  WorkerReply,
  WorkerRequest,
} from './protocol';
import { sendAtRate, sendBurst } from './sender';

/**
 * A load-generator process: holds a share of the gateway sessions and does what the orchestrator
 * asks over IPC. Several run side by side (pinned to the CPU the server does not use), so client
 * sockets stay well under the per-process open-files limit.
 */
const tag = `w${process.env.BENCH_WORKER_INDEX ?? '0'}`;
const OPEN_TIMEOUT_MS = 120_000;
const ledger = new StepLedger();
const sessions = new Map<number, LeanSession>();
let closedUnexpectedly = 0;
let recoveryFailures = 0;
/** Where the sessions of this worker connect (set by `open`), for reconnecting as a client would. */
let endpoints: { gatewayUrl: string; baseUrl: string; announceChannels: boolean } | null = null;
/** Close codes after which a session cannot be resumed: identify again and catch up by seq. */
const NON_RESUMABLE = new Set([4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014]);
const context = {
  ledger,
  closedUnexpectedly: (key: number, code: number) => {
    closedUnexpectedly += 1;
    if (closedUnexpectedly <= 5) console.error(`${tag}: session ${key} closed by the server (${code}); reconnecting`);
    const session = sessions.get(key);
    if (session !== undefined) void recover(session, code);
  },
};

/**
 * A session the server closed (slow consumer, missed heartbeat, overload) reconnects as a real
 * client does: RESUME when the code allows it, else IDENTIFY and fetch what it missed by seq. The
 * ledger then still sees every message exactly once, or the step fails.
 */
async function recover(session: LeanSession, code: number): Promise<void> {
  if (endpoints === null) return;
  await sleep(100 + Math.random() * 400);
  try {
    const outcome = await session.connect(
      endpoints.gatewayUrl,
      !NON_RESUMABLE.has(code),
      endpoints.announceChannels,
      OPEN_TIMEOUT_MS,
    );
    if (outcome !== 'resumed') await catchUp(poolFor(endpoints.baseUrl, 16), session);
  } catch (error) {
    recoveryFailures += 1;
    if (recoveryFailures <= 5)
      console.error(`${tag}: session ${session.spec.key} could not reconnect: ${String(error)}`);
  }
}
const pools = new Map<string, HttpPool>();
let sendCounter = 0;

function poolFor(baseUrl: string, connections: number): HttpPool {
  const key = `${baseUrl}#${connections}`;
  let pool = pools.get(key);
  if (pool === undefined) {
    pool = new HttpPool(baseUrl, connections);
    pools.set(key, pool);
  }
  return pool;
}

const heartbeats = setInterval(() => {
  const now = Date.now();
  for (const session of sessions.values()) session.heartbeat(now);
}, 250);

async function open(args: OpenArgs): Promise<OpenResult> {
  endpoints = { gatewayUrl: args.gatewayUrl, baseUrl: args.baseUrl, announceChannels: args.announceChannels };
  const result: OpenResult = { opened: 0, failed: 0, errors: [] };
  let next = 0;
  const lane = async () => {
    while (next < args.sessions.length) {
      const spec = args.sessions[next++];
      if (spec === undefined) break;
      const session = new LeanSession(spec, context);
      sessions.set(spec.key, session);
      try {
        await session.connect(args.gatewayUrl, false, args.announceChannels, OPEN_TIMEOUT_MS);
        result.opened += 1;
      } catch (error) {
        result.failed += 1;
        if (result.errors.length < 5) result.errors.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, args.concurrency) }, lane));
  return result;
}

async function reconnect(args: ReconnectArgs): Promise<ReconnectResult> {
  const result: ReconnectResult = { resumed: 0, reidentified: 0, failed: 0, lastCaughtUpUs: 0, notCaughtUp: 0 };
  const pool = poolFor(args.baseUrl, 16);
  const targets = args.keys.map((key) => sessions.get(key)).filter((s): s is LeanSession => s !== undefined);
  for (const session of targets) {
    const pending = new Map<string, Set<number>>();
    for (const channelId of session.spec.channels) {
      const seqs = args.expected
        .get(channelId)
        ?.filter((seq) => session.record.received.get(channelId)?.has(seq) !== true);
      if (seqs !== undefined && seqs.length > 0) pending.set(channelId, new Set(seqs));
    }
    session.pending = pending.size > 0 ? pending : null;
    session.caughtUpUs = session.pending === null ? nowUs() : 0;
  }
  await Promise.all(
    targets.map(async (session) => {
      try {
        const outcome = await session.connect(resumeUrlOf(session, args.gatewayUrl), true, false, OPEN_TIMEOUT_MS);
        if (outcome === 'resumed') result.resumed += 1;
        else {
          result.reidentified += 1;
          await catchUp(pool, session);
        }
      } catch {
        result.failed += 1;
      }
    }),
  );
  // Replayed or fetched messages may still be in flight right after RESUMED: give them a moment.
  const deadline = Date.now() + 10_000;
  while (targets.some((s) => s.pending !== null) && Date.now() < deadline) await sleep(20);
  for (const session of targets) {
    if (session.pending !== null) result.notCaughtUp += 1;
    else result.lastCaughtUpUs = Math.max(result.lastCaughtUpUs, session.caughtUpUs);
  }
  return result;
}

/** After INVALID_SESSION and a new IDENTIFY: fetch what was missed per channel, from the last seen seq. */
async function catchUp(pool: HttpPool, session: LeanSession): Promise<void> {
  for (const channelId of session.spec.channels) {
    let after = session.record.lastSeq.get(channelId) ?? 0;
    for (;;) {
      const path = `/api/v10/channels/${channelId}/messages?after_seq=${after}&limit=100`;
      const response = await pool.request('GET', path, session.spec.token, null);
      if (response.status !== 200) throw new Error(`catch-up: HTTP ${response.status}`);
      const page = JSON.parse(response.body) as Array<{ channel_id: string; seq: number }>;
      for (const message of page) {
        session.deliver(message.channel_id, message.seq, -1);
        after = Math.max(after, message.seq);
      }
      if (page.length < 100) break;
    }
  }
}

async function handle(command: WorkerCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'open':
      return open(command.args);
    case 'closeAll':
      for (const session of sessions.values()) session.close();
      sessions.clear();
      await sleep(200);
      return null;
    case 'stepBegin':
      ledger.reset();
      for (const session of sessions.values()) session.record.received.clear();
      return null;
    case 'send':
      return sendAtRate(
        poolFor(command.args.baseUrl, command.args.connections),
        command.args,
        `${tag}.${sendCounter++}`,
      );
    case 'burst':
      return sendBurst(
        poolFor(command.args.baseUrl, command.args.connections),
        command.args,
        `${tag}.${sendCounter++}`,
      );
    case 'progress': {
      const progress: Progress = {
        deliveries: ledger.deliveries,
        firstDeliveryUs: ledger.firstDeliveryUs,
        lastDeliveryUs: ledger.lastDeliveryUs,
        closedUnexpectedly,
        recoveryFailures,
      };
      return progress;
    }
    case 'verify':
      return ledger.verify(records(), command.expected as Expected);
    case 'drop':
      for (const key of command.keys) sessions.get(key)?.drop();
      return null;
    case 'reconnect':
      return reconnect(command.args);
    case 'history':
      return readHistory(poolFor(command.args.baseUrl, command.args.concurrency), command.args);
    case 'exit':
      clearInterval(heartbeats);
      for (const session of sessions.values()) session.close();
      for (const pool of pools.values()) pool.close();
      setTimeout(() => process.exit(0), 100);
      return null;
  }
}

function* records(): Iterable<[number, SessionRecord]> {
  for (const [key, session] of sessions) yield [key, session.record];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

process.on('message', (message: WorkerRequest) => {
  handle(message.command).then(
    (result) => reply({ id: message.id, ok: true, result }),
    (error: unknown) =>
      reply({ id: message.id, ok: false, error: error instanceof Error ? error.stack : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));

function reply(message: WorkerReply): void {
  process.send?.(message);
}

/** Where a session resumes: its READY's `resume_gateway_url` (with the connection's query), else where it first went. */
function resumeUrlOf(session: { resumeUrl: string | null }, gatewayUrl: string): string {
  if (session.resumeUrl === null) return gatewayUrl;
  const resume = new URL(session.resumeUrl);
  resume.search = new URL(gatewayUrl).search;
  return resume.toString();
}
