import type { RampResult } from '../scenarios/rateSteps';
import { barChartSvg, lineChartSvg, type Series } from './svg';
import type { RunResult } from './types';

const CONCORD = '#5865f2';
const BASELINE = '#888888';
const CONCORD_DM = '#2e9e5b';
const BASELINE_DM = '#c08a2b';

/** The three charts of a run, by file suffix. */
export function chartsOf(run: RunResult): Record<string, string> {
  const machine = `${run.machine.cpus} × ${run.machine.cpuModel}, Node ${run.machine.node}, ${run.mode} run ${run.startedAt.slice(0, 10)}`;
  const series = (
    name: string,
    ramp: RampResult | undefined,
    color: string,
    y: (s: RampResult['steps'][number]) => number,
    dashed = false,
  ): Series[] =>
    ramp === undefined
      ? []
      : [{ name, color, dashed, points: ramp.steps.map((s) => [s.offeredDeliveriesPerSec, y(s)]) }];
  const c = run.concord ?? undefined;
  const b = run.baseline ?? undefined;
  const latency = lineChartSvg({
    title: 'Send-to-receive latency against offered load',
    subtitle: machine,
    xLabel: 'offered deliveries/s',
    yLabel: 'latency (ms)',
    logX: true,
    logY: true,
    series: [
      ...series('Concord fan-out p99', c?.fanout, CONCORD, (s) => s.latency.p99Ms),
      ...series('Concord fan-out p50', c?.fanout, CONCORD, (s) => s.latency.p50Ms, true),
      ...series('baseline fan-out p99', b?.fanout, BASELINE, (s) => s.latency.p99Ms),
      ...series('baseline fan-out p50', b?.fanout, BASELINE, (s) => s.latency.p50Ms, true),
      ...series('Concord DM p99', c?.dms, CONCORD_DM, (s) => s.latency.p99Ms),
      ...series('baseline DM p99', b?.dms, BASELINE_DM, (s) => s.latency.p99Ms),
    ],
  });
  const offered = [
    ...(c?.fanout.steps ?? []),
    ...(b?.fanout.steps ?? []),
    ...(c?.dms.steps ?? []),
    ...(b?.dms.steps ?? []),
  ]
    .map((s) => s.offeredDeliveriesPerSec)
    .sort((x, y) => x - y);
  const throughput = lineChartSvg({
    title: 'Delivered against offered deliveries/s, per step',
    subtitle: machine,
    xLabel: 'offered deliveries/s',
    yLabel: 'delivered deliveries/s',
    logX: true,
    logY: true,
    series: [
      { name: 'offered (ideal)', color: '#cccccc', dashed: true, points: offered.map((x) => [x, x]) },
      ...series('Concord fan-out', c?.fanout, CONCORD, (s) => s.deliveredPerSec),
      ...series('baseline fan-out', b?.fanout, BASELINE, (s) => s.deliveredPerSec),
      ...series('Concord DMs', c?.dms, CONCORD_DM, (s) => s.deliveredPerSec),
      ...series('baseline DMs', b?.dms, BASELINE_DM, (s) => s.deliveredPerSec),
    ],
  });
  const bars = [];
  if (c?.idle.rssPerSessionBytes != null)
    bars.push({ name: 'Concord (authenticated)', value: c.idle.rssPerSessionBytes / 1024, color: CONCORD });
  if (b?.idle.rssPerSessionBytes != null)
    bars.push({ name: 'baseline relay', value: b.idle.rssPerSessionBytes / 1024, color: BASELINE });
  bars.push({ name: 'ws relay (issue, reference)', value: 6.8, color: '#d0d0d0' });
  bars.push({ name: 'ejabberd 23.01 (issue, reference)', value: 71, color: '#d0d0d0' });
  const rss = barChartSvg({
    title: 'Server RSS per idle, heartbeating session',
    subtitle: `${c?.idle.opened ?? b?.idle.opened ?? 0} sessions; ${machine}`,
    unit: 'KB',
    bars,
  });
  return { latency, throughput, rss };
}
