import type { RampResult, StepResult } from '../scenarios/rateSteps';
import type { RunResult, TargetCheck } from './types';

/** The targets, each as Concord against the baseline measured in the same run. */
export function evaluateTargets(run: Pick<RunResult, 'concord' | 'baseline'>): TargetCheck[] {
  const { concord, baseline } = run;
  const checks: TargetCheck[] = [];
  if (concord === null) return checks;
  const ratio = (
    id: string,
    label: string,
    c: number | null,
    b: number | null,
    limit: number,
    comparison: '<=' | '>=',
    unit: string,
    basis: string,
  ) => {
    const value = c === null || b === null || b === 0 ? null : c / b;
    checks.push({
      id,
      label,
      concord: c,
      baseline: b,
      value,
      limit,
      comparison,
      unit,
      pass: judge(value, limit, comparison),
      basis,
    });
  };

  if (baseline !== null) {
    const common = commonRate(concord.fanout, baseline.fanout);
    ratio(
      'fanout-cpu',
      'Fan-out: server CPU per delivery',
      stepAt(concord.fanout, common?.rate ?? null)?.cpuUsPerDelivery ?? null,
      stepAt(baseline.fanout, common?.rate ?? null)?.cpuUsPerDelivery ?? null,
      1.5,
      '<=',
      'µs',
      common === null
        ? 'no rate both ran'
        : `at ${Math.round(common.rate * concord.fanout.recipientsPerMessage)} deliveries/s offered (${common.how})`,
    );
    ratio(
      'fanout-saturation',
      'Fan-out: saturation deliveries/s',
      concord.fanout.saturation.peakDeliveredPerSec,
      baseline.fanout.saturation.peakDeliveredPerSec,
      0.8,
      '>=',
      'deliveries/s',
      'peak delivered rate over the ramp',
    );
    ratio(
      'dm-saturation',
      'DMs: saturation messages/s',
      concord.dms.saturation.peakDeliveredMsgsPerSec,
      baseline.dms.saturation.peakDeliveredMsgsPerSec,
      0.5,
      '>=',
      'messages/s',
      'peak delivered rate over the ramp',
    );
    const half =
      baseline.fanout.saturation.offeredMsgsPerSec === null ? null : baseline.fanout.saturation.offeredMsgsPerSec / 2;
    ratio(
      'fanout-p99',
      'Fan-out: p99 send-to-receive latency at half the baseline saturation',
      stepAt(concord.fanout, half)?.latency.p99Ms ?? null,
      stepAt(baseline.fanout, half)?.latency.p99Ms ?? null,
      2,
      '<=',
      'ms',
      half === null
        ? 'baseline never delivered a step fully'
        : `at ${Math.round(half * concord.fanout.recipientsPerMessage)} deliveries/s offered`,
    );
    const dmHalf =
      baseline.dms.saturation.offeredMsgsPerSec === null ? null : baseline.dms.saturation.offeredMsgsPerSec / 2;
    ratio(
      'dm-p99',
      'DMs: p99 send-to-receive latency at half the baseline saturation',
      stepAt(concord.dms, dmHalf)?.latency.p99Ms ?? null,
      stepAt(baseline.dms, dmHalf)?.latency.p99Ms ?? null,
      2,
      '<=',
      'ms',
      dmHalf === null ? 'baseline never delivered a step fully' : `at ${Math.round(dmHalf)} messages/s offered`,
    );
    ratio(
      'idle-rss',
      'Idle: RSS per authenticated, heartbeating session',
      concord.idle.rssPerSessionBytes === null ? null : concord.idle.rssPerSessionBytes / 1024,
      baseline.idle.rssPerSessionBytes === null ? null : baseline.idle.rssPerSessionBytes / 1024,
      2.5,
      '<=',
      'KB',
      `${concord.idle.opened} sessions`,
    );
  }
  const history = concord.history;
  const historyP99 = history === null ? null : Math.max(history.single.latest.p99Ms, history.single.older.p99Ms);
  checks.push({
    id: 'history-p99',
    label: `History: p99 per ${history?.pageSize ?? 50}-message page`,
    concord: historyP99,
    baseline: null,
    value: historyP99,
    limit: 5,
    comparison: '<=',
    unit: 'ms',
    pass: judge(historyP99, 5, '<='),
    basis:
      history === null
        ? 'not run'
        : `worst of latest/older pages, one request at a time, ${history.storedMessages.toLocaleString('en-US')} stored`,
  });
  return checks;
}

function judge(value: number | null, limit: number, comparison: '<=' | '>='): boolean | null {
  if (value === null || !Number.isFinite(value)) return null;
  return comparison === '<=' ? value <= limit : value >= limit;
}

/**
 * The rate (messages/s) to compare CPU per delivery at: the highest both servers delivered fully,
 * else the lowest both ran (CPU per delivery depends little on the rate once the server is busy).
 */
function commonRate(a: RampResult, b: RampResult): { rate: number; how: string } | null {
  const ran = (ramp: RampResult, full: boolean) =>
    new Set(
      ramp.steps.filter((s) => !s.correctnessFailure && (!full || s.fullyDelivered)).map((s) => s.offeredMsgsPerSec),
    );
  const fullB = ran(b, true);
  const both = [...ran(a, true)].filter((rate) => fullB.has(rate));
  if (both.length > 0) return { rate: Math.max(...both), how: 'the highest rate both delivered fully' };
  const anyB = ran(b, false);
  const common = [...ran(a, false)].filter((rate) => anyB.has(rate));
  return common.length === 0
    ? null
    : { rate: Math.min(...common), how: 'the lowest rate both ran; not both delivered it fully' };
}

export function stepAt(ramp: RampResult, rate: number | null): StepResult | undefined {
  if (rate === null) return undefined;
  return ramp.steps.find((s) => Math.abs(s.offeredMsgsPerSec - rate) < 1e-6);
}
