import { Histogram, type LatencySummary } from '../loadgen/histogram';
import type { HistoryResult } from '../loadgen/protocol';
import { sum, type RunContext } from './context';

export interface HistoryScenarioResult {
  storedMessages: number;
  pageSize: number;
  /** One request at a time: the latency a scrolling user sees. */
  single: { latest: LatencySummary; older: LatencySummary; requestsPerSec: number; errors: number };
  /** `historyConcurrency` requests at once across the workers: throughput. */
  loaded: {
    concurrency: number;
    latest: LatencySummary;
    older: LatencySummary;
    requestsPerSec: number;
    errors: number;
    cpuUsPerRequest: number | null;
  };
}

/** Scenario 4: the latest page and random older pages of a channel holding many messages. */
export async function runHistory(ctx: RunContext): Promise<HistoryScenarioResult | null> {
  const { world, profile, workers } = ctx;
  const history = world.history;
  if (history === null) return null;
  const args = (concurrency: number) => ({
    baseUrl: world.baseUrl,
    token: history.token,
    channelId: history.channelId,
    newestSeq: history.messages,
    pageSize: profile.historyPageSize,
    concurrency,
    durationMs: profile.historyPhaseMs,
  });
  const [first] = workers.workers;
  if (first === undefined) return null;
  const single = await first.call<HistoryResult>({ cmd: 'history', args: args(1) });
  const perWorker = Math.max(1, Math.ceil(profile.historyConcurrency / workers.size));
  const cpu0 = ctx.cpuSeconds();
  const loaded = await workers.all<HistoryResult>({ cmd: 'history', args: args(perWorker) });
  const cpu1 = ctx.cpuSeconds();
  const loadedRequests = sum(loaded.map((r) => r.requests));
  const loadedSeconds = Math.max(...loaded.map((r) => r.elapsedMs)) / 1000;
  const result: HistoryScenarioResult = {
    storedMessages: history.messages,
    pageSize: profile.historyPageSize,
    single: {
      latest: Histogram.fromAll([single.latest]).summary(),
      older: Histogram.fromAll([single.older]).summary(),
      requestsPerSec: single.requests / (single.elapsedMs / 1000),
      errors: single.errors,
    },
    loaded: {
      concurrency: perWorker * workers.size,
      latest: Histogram.fromAll(loaded.map((r) => r.latest)).summary(),
      older: Histogram.fromAll(loaded.map((r) => r.older)).summary(),
      requestsPerSec: loadedRequests / loadedSeconds,
      errors: sum(loaded.map((r) => r.errors)),
      cpuUsPerRequest:
        cpu0 === undefined || cpu1 === undefined || loadedRequests === 0
          ? null
          : ((cpu1 - cpu0) * 1e6) / loadedRequests,
    },
  };
  ctx.log(
    `  history: single p50/p99 latest ${result.single.latest.p50Ms}/${result.single.latest.p99Ms} ms, ` +
      `older ${result.single.older.p50Ms}/${result.single.older.p99Ms} ms; ` +
      `${result.loaded.requestsPerSec.toFixed(0)} req/s at concurrency ${result.loaded.concurrency}` +
      (result.single.errors + result.loaded.errors > 0
        ? `, ERRORS ${result.single.errors + result.loaded.errors}`
        : ''),
  );
  return result;
}
