import { collectGarbage } from '../inspectorGc';
import type { OpenResult } from '../loadgen/protocol';
import { sleep, sum, type RunContext } from './context';

export interface IdleResult {
  sessions: number;
  opened: number;
  failed: number;
  errors: string[];
  identifySeconds: number;
  identifiesPerSec: number;
  /** Server CPU per IDENTIFY → READY, over the whole opening burst. */
  cpuMsPerIdentify: number | null;
  rssBeforeBytes: number | null;
  rssAfterBytes: number | null;
  rssPerSessionBytes: number | null;
  holdSeconds: number;
  /** Whether a full GC was forced (through the inspector) before each RSS reading. */
  rssAfterGc: boolean;
  /** Server CPU while the sessions only heartbeat, in % of one core. */
  idleCpuPercent: number | null;
}

/**
 * Scenario 1: open every user's gateway session (IDENTIFY → READY), hold them heartbeating, and read
 * the server's RSS growth per session. The sessions stay open for the scenarios that follow.
 */
export async function runIdle(ctx: RunContext): Promise<IdleResult> {
  const { profile, world, workers } = ctx;
  const users = Array.from({ length: profile.idleSessions }, (_, i) => i);
  await collectGarbage(ctx.server.inspectorUrl);
  const rssBefore = ctx.rssBytes();
  const identifyCpu0 = ctx.cpuSeconds();
  const started = performance.now();
  const opened = await workers.each<OpenResult>((w) => ({
    cmd: 'open',
    args: {
      gatewayUrl: world.gatewayUrl,
      baseUrl: world.baseUrl,
      sessions: users.filter((u) => ctx.workerOf(u) === w).map((u) => ctx.sessionSpec(u)),
      concurrency: profile.openConcurrency,
      announceChannels: world.announceChannels,
    },
  }));
  const identifySeconds = (performance.now() - started) / 1000;
  const identifyCpu1 = ctx.cpuSeconds();
  const okCount = sum(opened.map((o) => o.opened));
  ctx.log(`  idle: ${okCount}/${users.length} sessions ready in ${identifySeconds.toFixed(1)} s`);
  // Let the identify burst settle (presence fan-out, garbage) before holding.
  await sleep(Math.min(2_000, profile.idleHoldMs));
  const cpu0 = ctx.cpuSeconds();
  const holdStart = performance.now();
  await sleep(profile.idleHoldMs);
  const holdSeconds = (performance.now() - holdStart) / 1000;
  const cpu1 = ctx.cpuSeconds();
  const collected = await collectGarbage(ctx.server.inspectorUrl);
  const rssAfter = ctx.rssBytes();
  const rssPer =
    rssBefore === undefined || rssAfter === undefined || okCount === 0 ? null : (rssAfter - rssBefore) / okCount;
  return {
    sessions: users.length,
    opened: okCount,
    failed: sum(opened.map((o) => o.failed)),
    errors: opened.flatMap((o) => o.errors).slice(0, 5),
    identifySeconds,
    identifiesPerSec: okCount / identifySeconds,
    cpuMsPerIdentify:
      identifyCpu0 === undefined || identifyCpu1 === undefined || okCount === 0
        ? null
        : ((identifyCpu1 - identifyCpu0) * 1000) / okCount,
    rssBeforeBytes: rssBefore ?? null,
    rssAfterBytes: rssAfter ?? null,
    rssPerSessionBytes: rssPer,
    holdSeconds,
    rssAfterGc: collected,
    idleCpuPercent: cpu0 === undefined || cpu1 === undefined ? null : ((cpu1 - cpu0) / holdSeconds) * 100,
  };
}
