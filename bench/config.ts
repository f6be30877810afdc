export type Mode = 'quick' | 'full' | 'smoke';

/** Every size and duration of a run; the three modes differ only in these numbers. */
export interface Profile {
  mode: Mode;
  /** Gateway sessions opened (and held, heartbeating) by the idle scenario; later scenarios reuse them. */
  idleSessions: number;
  fanoutChannels: number;
  fanoutMembers: number;
  dmPairs: number;
  /** Load-generator processes (each keeps its sockets well under the open-files limit). */
  workers: number;
  /** IDENTIFYs in flight per worker while opening sessions. */
  openConcurrency: number;
  heartbeatMs: number;
  /** How long the idle sessions are held, heartbeating, before RSS and CPU are read. */
  idleHoldMs: number;
  stepMs: number;
  /** An unrecorded step before each ramp (JIT warm-up, connection set-up). */
  warmupMs: number;
  /** Also run each ramp at half the baseline's saturation (the latency target's reference rate). */
  halfSteps: boolean;
  /** Longest wait, after a step's sends, for every delivery to arrive. */
  drainMs: number;
  maxSteps: number;
  /** Steps between the last good and the first saturated rate (geometric bisection). */
  refineSteps: number;
  /** First offered rate of the fan-out ramp, in deliveries/s (then doubling). */
  fanoutStartDeliveries: number;
  /** First offered rate of the DM ramp, in messages/s (then doubling). */
  dmStartMessages: number;
  /** HTTP connections per worker for sends. */
  sendConnections: number;
  contentBytes: number;
  historyMessages: number;
  historyPageSize: number;
  historyPhaseMs: number;
  historyConcurrency: number;
  stormSessions: number;
  stormMessagesPerChannel: number;
  /** Pause after the drop, for the server to notice every closed socket. */
  stormSettleMs: number;
}

/** Sessions per load-generator process: far under the 20,000 open-files limit per process. */
export const SESSIONS_PER_WORKER = 4_000;
/** One server process holds at most this many sessions (its own open-files limit is 20,000). */
export const MAX_SERVER_SESSIONS = 19_000;

const FULL: Profile = {
  mode: 'full',
  idleSessions: 10_000,
  fanoutChannels: 100,
  fanoutMembers: 50,
  dmPairs: 2_500,
  workers: 3,
  openConcurrency: 64,
  heartbeatMs: 15_000,
  idleHoldMs: 20_000,
  stepMs: 6_000,
  warmupMs: 3_000,
  halfSteps: true,
  drainMs: 10_000,
  maxSteps: 10,
  refineSteps: 2,
  fanoutStartDeliveries: 2_000,
  dmStartMessages: 500,
  sendConnections: 32,
  contentBytes: 100,
  historyMessages: 1_000_000,
  historyPageSize: 50,
  historyPhaseMs: 6_000,
  historyConcurrency: 16,
  stormSessions: 2_000,
  stormMessagesPerChannel: 2,
  stormSettleMs: 1_000,
};

const QUICK: Profile = {
  ...FULL,
  mode: 'quick',
  idleSessions: 1_000,
  fanoutChannels: 20,
  fanoutMembers: 20,
  dmPairs: 200,
  workers: 2,
  idleHoldMs: 3_000,
  stepMs: 1_200,
  warmupMs: 1_000,
  drainMs: 3_000,
  maxSteps: 7,
  refineSteps: 1,
  fanoutStartDeliveries: 4_000,
  dmStartMessages: 1_000,
  historyMessages: 100_000,
  historyPhaseMs: 1_500,
  stormSessions: 300,
  stormMessagesPerChannel: 1,
};

const SMOKE: Profile = {
  ...QUICK,
  mode: 'smoke',
  idleSessions: 40,
  fanoutChannels: 4,
  fanoutMembers: 5,
  dmPairs: 10,
  workers: 1,
  openConcurrency: 16,
  idleHoldMs: 200,
  stepMs: 500,
  warmupMs: 200,
  halfSteps: false,
  drainMs: 2_000,
  maxSteps: 1,
  refineSteps: 0,
  fanoutStartDeliveries: 200,
  dmStartMessages: 50,
  sendConnections: 4,
  historyMessages: 2_000,
  historyPhaseMs: 300,
  historyConcurrency: 2,
  stormSessions: 10,
  stormSettleMs: 300,
};

export interface Options {
  profile: Profile;
  outDir: string;
  /** --target: a running Concord (cluster balancer) instead of one started here. */
  target: string | null;
  targetPids: number[];
  cpuProfile: boolean;
  only: 'concord' | 'baseline' | null;
  useCache: boolean;
  /** --scenarios: which of fanout, dms, history, storm to run (idle always runs: it opens the sessions). */
  scenarios: string[] | null;
}

export function parseOptions(argv: string[], defaultOutDir: string): Options {
  const flag = (name: string) => argv.includes(name);
  const value = (name: string): string | undefined => {
    const at = argv.indexOf(name);
    const next = argv[at + 1];
    if (at >= 0 && (next === undefined || next.startsWith('--'))) throw new Error(`${name} needs a value`);
    return at >= 0 ? next : argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
  };
  const base = flag('--smoke') ? SMOKE : flag('--quick') ? QUICK : FULL;
  const profile: Profile = { ...base };
  const idle = value('--idle');
  if (flag('--idle-max')) profile.idleSessions = MAX_SERVER_SESSIONS;
  else if (idle !== undefined) profile.idleSessions = Number(idle);
  // --set field=value (repeatable): any numeric field of the profile, for experiments.
  argv.forEach((arg, at) => {
    if (arg !== '--set') return;
    const [field, raw] = (argv[at + 1] ?? '').split('=');
    const record = profile as unknown as Record<string, unknown>;
    if (field === undefined || typeof record[field] !== 'number' || !Number.isFinite(Number(raw))) {
      throw new Error(`--set: unknown or non-numeric profile field in "${argv[at + 1] ?? ''}"`);
    }
    record[field] = Number(raw);
  });
  const history = value('--history-messages');
  if (history !== undefined) profile.historyMessages = Number(history);
  // Every fan-out and DM user holds a session: the idle population is at least that large.
  const needed = profile.fanoutChannels * profile.fanoutMembers + 2 * profile.dmPairs;
  profile.idleSessions = Math.min(MAX_SERVER_SESSIONS, Math.max(profile.idleSessions, needed));
  profile.stormSessions = Math.min(profile.stormSessions, profile.fanoutChannels * profile.fanoutMembers);
  const workers = value('--workers');
  profile.workers = Math.max(
    workers === undefined ? profile.workers : Number(workers),
    Math.ceil(profile.idleSessions / SESSIONS_PER_WORKER),
  );
  const only = value('--only');
  return {
    profile,
    outDir: value('--out') ?? defaultOutDir,
    target: value('--target') ?? null,
    targetPids: (value('--target-pids') ?? '')
      .split(',')
      .filter((p) => p !== '')
      .map(Number),
    cpuProfile: flag('--cpu-prof'),
    only: only === 'concord' || only === 'baseline' ? only : null,
    useCache: !flag('--no-cache'),
    scenarios: value('--scenarios')?.split(',') ?? null,
  };
}

export const USAGE = `npm run bench [-- options]
  --quick               small sizes, short steps (under 2 minutes)
  --smoke               a few seconds; what the test suite runs
  --idle N              idle sessions (default 10,000 full / 1,000 quick)
  --idle-max            as many idle sessions as one server process can hold (${MAX_SERVER_SESSIONS})
  --workers N           load-generator processes (at least one per ${SESSIONS_PER_WORKER} sessions)
  --history-messages N  messages stored in the history channel
  --target URL          drive a running Concord (e.g. a cluster's balancer) instead of starting one
  --target-pids a,b     its node pids on this machine, to read server CPU and RSS
  --only concord|baseline
  --scenarios a,b       run only these of fanout, dms, history, storm (idle always runs)
  --set field=value     override a numeric profile field (see bench/config.ts), e.g. --set stepMs=3000
  --cpu-prof            write a V8 CPU profile of the Concord server into <out>/profiles
  --out DIR             where results go (default bench/results)
  --no-cache            re-seed the history database even if a cached one matches`;
