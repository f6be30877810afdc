import { Histogram, nowUs, type LatencySummary } from '../loadgen/histogram';
import type { SendResult } from '../loadgen/protocol';
import { machineBusySeconds, totalCpuSeconds } from '../procStats';
import type { BenchChannel } from '../setup/world';
import { mergeAcked, mergeErrors, sum, type RunContext } from './context';

export interface StepResult {
  offeredMsgsPerSec: number;
  offeredDeliveriesPerSec: number;
  seconds: number;
  sent: number;
  shed: number;
  acked: number;
  sendErrors: Record<string, number>;
  deliveries: number;
  deliveredPerSec: number;
  deliveredMsgsPerSec: number;
  latency: LatencySummary;
  ackLatency: LatencySummary;
  serverCpuSeconds: number | null;
  serverCpuPercent: number | null;
  /** CPU of all load-generator processes together, in % of one core: near 100 %, the generator limits. */
  loadgenCpuPercent: number | null;
  /**
   * CPU used on this machine by anything but the server and the load generator, in % of one core
   * (other people's processes on a shared machine): when high, every figure of the step is suspect.
   */
  otherCpuPercent: number | null;
  cpuUsPerDelivery: number | null;
  cpuUsPerMessage: number | null;
  missing: number;
  duplicates: number;
  unexpected: number;
  unacked: number;
  /** Sessions the server closed during the step (4009 missed heartbeat, 4900 slow consumer…); they reconnect. */
  serverCloses: number;
  /** Every due send went out and was acknowledged, and ≥ 90 % of the offered deliveries/s arrived. */
  fullyDelivered: boolean;
  /** A delivery missing, repeated, or to a non-member: the run fails. */
  correctnessFailure: boolean;
  samples: string[];
}

export interface RampResult {
  recipientsPerMessage: number;
  steps: StepResult[];
  /** The highest offered rate delivered fully (messages/s), and what the server delivered at best. */
  saturation: {
    offeredMsgsPerSec: number | null;
    peakDeliveredPerSec: number;
    peakDeliveredMsgsPerSec: number;
  };
  failed: boolean;
}

/** Latency this high means the step is past saturation, whatever the counts say. */
const P99_EXPLODED_MS = 1_000;

/**
 * Runs one step: every worker sends into its share of the channels at a fixed offered rate for
 * `stepMs`; then the harness waits for the deliveries, reads the server's CPU, and has every worker
 * check that each member session received each acknowledged message exactly once.
 */
export async function runStep(
  ctx: RunContext,
  channels: BenchChannel[],
  rateMsgs: number,
  label = '',
  durationMs = ctx.profile.stepMs,
): Promise<StepResult> {
  const { profile, workers, world } = ctx;
  const recipients = channels[0]?.members.length ?? 0;
  const share = (w: number) => channels.filter((_, index) => index % workers.size === w);
  await workers.all({ cmd: 'stepBegin' });
  const closes0 = await ctx.serverCloses();
  const cpu0 = ctx.cpuSeconds();
  const loadgen0 = totalCpuSeconds(workers.pids);
  const machine0 = machineBusySeconds();
  const started = nowUs();
  const sends = await workers.each<SendResult>((w) => ({
    cmd: 'send',
    args: {
      baseUrl: world.baseUrl,
      senders: share(w).map((c) => ({ channelId: c.id, token: world.tokens[c.sender] as string })),
      ratePerSec: (rateMsgs * share(w).length) / channels.length,
      durationMs,
      connections: profile.sendConnections,
      contentBytes: profile.contentBytes,
    },
  }));
  const expected = mergeAcked(sends);
  const membersOf = new Map(channels.map((c) => [c.id, c.members.length]));
  const expectedDeliveries = sum([...expected].map(([id, seqs]) => seqs.length * (membersOf.get(id) ?? 0)));
  await ctx.drain(expectedDeliveries, profile.drainMs);
  const cpu1 = ctx.cpuSeconds();
  const loadgen1 = totalCpuSeconds(workers.pids);
  const machine1 = machineBusySeconds();
  const verified = await ctx.verify(expected);
  const serverCloses = (await ctx.serverCloses()) - closes0;
  const deliveries = sum(verified.map((v) => v.deliveries));
  const lastDelivery = Math.max(...verified.map((v) => v.lastDeliveryUs));
  const seconds = Math.max(durationMs / 1000, (lastDelivery - started) / 1e6);
  const cpu = cpu0 === undefined || cpu1 === undefined ? null : cpu1 - cpu0;
  const latency = Histogram.fromAll(verified.map((v) => v.latency)).summary();
  const shed = sum(sends.map((s) => s.shed));
  const sendErrors = mergeErrors(sends);
  const acked = sum([...expected.values()].map((seqs) => seqs.length));
  const offeredDeliveriesPerSec = rateMsgs * recipients;
  const deliveredPerSec = deliveries / seconds;
  const missing = sum(verified.map((v) => v.missing));
  const duplicates = sum(verified.map((v) => v.duplicates));
  const unexpected = sum(verified.map((v) => v.unexpected));
  const result: StepResult = {
    offeredMsgsPerSec: rateMsgs,
    offeredDeliveriesPerSec,
    seconds,
    sent: sum(sends.map((s) => s.sent)),
    shed,
    acked,
    sendErrors,
    deliveries,
    deliveredPerSec,
    deliveredMsgsPerSec: deliveredPerSec / Math.max(1, recipients),
    latency,
    ackLatency: Histogram.fromAll(sends.map((s) => s.ackLatency)).summary(),
    serverCpuSeconds: cpu,
    serverCpuPercent: cpu === null ? null : (cpu / seconds) * 100,
    loadgenCpuPercent:
      loadgen0 === undefined || loadgen1 === undefined ? null : ((loadgen1 - loadgen0) / seconds) * 100,
    otherCpuPercent:
      machine0 === undefined ||
      machine1 === undefined ||
      cpu === null ||
      loadgen0 === undefined ||
      loadgen1 === undefined
        ? null
        : Math.max(0, ((machine1 - machine0 - cpu - (loadgen1 - loadgen0)) / seconds) * 100),
    cpuUsPerDelivery: cpu === null || deliveries === 0 ? null : (cpu * 1e6) / deliveries,
    cpuUsPerMessage: cpu === null || acked === 0 ? null : (cpu * 1e6) / acked,
    missing,
    duplicates,
    unexpected,
    unacked: sum(verified.map((v) => v.unacked)),
    serverCloses,
    fullyDelivered:
      shed === 0 &&
      Object.keys(sendErrors).length === 0 &&
      missing === 0 &&
      deliveredPerSec >= 0.9 * offeredDeliveriesPerSec &&
      latency.p99Ms < P99_EXPLODED_MS,
    correctnessFailure: missing > 0 || duplicates > 0 || unexpected > 0,
    samples: verified.flatMap((v) => v.samples).slice(0, 5),
  };
  ctx.log(
    `    ${label}${fmt(rateMsgs)} msg/s offered (${fmt(offeredDeliveriesPerSec)} deliveries/s): ` +
      `${fmt(deliveredPerSec)} delivered/s, p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms, ` +
      `cpu ${result.cpuUsPerDelivery?.toFixed(1) ?? '?'} µs/delivery (${result.serverCpuPercent?.toFixed(0) ?? '?'} %), loadgen ${result.loadgenCpuPercent?.toFixed(0) ?? '?'} %, other ${result.otherCpuPercent?.toFixed(0) ?? '?'} %` +
      (shed > 0 ? `, shed ${shed}` : '') +
      (Object.keys(sendErrors).length > 0 ? `, errors ${JSON.stringify(sendErrors)}` : '') +
      (serverCloses > 0 ? `, ${serverCloses} sessions closed by the server` : '') +
      (result.correctnessFailure ? `, FAILED missing ${missing} dup ${duplicates} unexpected ${unexpected}` : ''),
  );
  for (const sample of result.samples) ctx.log(`      ${sample}`);
  return result;
}

/**
 * Doubles the offered rate from `startMsgs` until a step is not fully delivered (or fails), then
 * bisects between the last good and the first bad rate; finally runs any `extraRates` not yet run
 * (the latency reference at half the baseline's saturation).
 */
export async function runRamp(
  ctx: RunContext,
  channels: BenchChannel[],
  startMsgs: number,
  extraRates: number[] = [],
): Promise<RampResult> {
  const steps: StepResult[] = [];
  const run = async (rate: number) => {
    const step = await runStep(ctx, channels, rate);
    steps.push(step);
    return step;
  };
  // A short unrecorded step first: JIT warm-up and connection set-up would otherwise land on step 1.
  const warmup = await runStep(ctx, channels, startMsgs, 'warm-up: ', ctx.profile.warmupMs);
  let failed = warmup.correctnessFailure;
  if (failed) steps.push(warmup);
  let good: number | null = null;
  let bad: number | null = null;
  let rate = startMsgs;
  for (let i = 0; i < ctx.profile.maxSteps && !failed; i++) {
    const step = await run(rate);
    if (step.correctnessFailure) {
      failed = true;
      break;
    }
    if (!step.fullyDelivered) {
      bad = rate;
      break;
    }
    good = rate;
    rate *= 2;
  }
  if (!failed && good !== null && bad !== null) {
    for (let i = 0; i < ctx.profile.refineSteps; i++) {
      const mid = Math.round(Math.sqrt(good * bad));
      if (mid <= good || mid >= bad) break;
      const step = await run(mid);
      if (step.correctnessFailure) {
        failed = true;
        break;
      }
      if (step.fullyDelivered) good = mid;
      else bad = mid;
    }
  }
  if (!failed && ctx.profile.halfSteps) {
    for (const extra of extraRates) {
      if (extra <= 0 || steps.some((s) => Math.abs(s.offeredMsgsPerSec - extra) < 1e-6)) continue;
      const step = await run(extra);
      if (step.correctnessFailure) failed = true;
    }
  }
  steps.sort((a, b) => a.offeredMsgsPerSec - b.offeredMsgsPerSec);
  const usable = steps.filter((s) => !s.correctnessFailure);
  const full = usable.filter((s) => s.fullyDelivered);
  return {
    recipientsPerMessage: channels[0]?.members.length ?? 0,
    steps,
    saturation: {
      offeredMsgsPerSec: full.length === 0 ? null : Math.max(...full.map((s) => s.offeredMsgsPerSec)),
      peakDeliveredPerSec: Math.max(0, ...usable.map((s) => s.deliveredPerSec)),
      peakDeliveredMsgsPerSec: Math.max(0, ...usable.map((s) => s.deliveredMsgsPerSec)),
    },
    failed,
  };
}

export function fmt(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)}k` : value.toFixed(0);
}
