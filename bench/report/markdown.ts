import type { RampResult } from '../scenarios/rateSteps';
import type { RunResult, ServerRun, TargetCheck } from './types';

const n = (value: number | null | undefined, digits = 0): string =>
  value === null || value === undefined || !Number.isFinite(value)
    ? '–'
    : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The summary of a run as markdown: machine, targets, then one section per scenario. */
export function markdownSummary(run: RunResult, charts: { latency: string; throughput: string; rss: string }): string {
  const m = run.machine;
  const lines: string[] = [];
  lines.push(`# Concord benchmark: ${run.mode} run, ${run.startedAt.replace('T', ' ').slice(0, 16)} UTC`);
  lines.push('');
  lines.push(
    `- Machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, Linux ${m.kernel}, open files ${m.openFilesLimit}`,
  );
  lines.push(`- Placement: ${run.pinning}`);
  lines.push(
    `- Machine load: 1-minute load average ${n(m.loadAverageAtStart, 2)} at the start${m.loadAverageAtStart > 1 ? ' — **the machine was busy with other work; treat the figures as rough**' : ''}; per step, "other" is CPU used by processes outside the benchmark`,
  );
  lines.push(`- Command: \`${run.command}\`${run.target === null ? '' : `; target ${run.target}`}`);
  if (run.cpuProfiled)
    lines.push(
      '- **Profiled run** (`--cpu-prof`): the profiler costs the server CPU; use its figures for the profile only.',
    );
  lines.push(
    `- Result: ${run.ok ? 'every delivery checked, none missing or repeated' : `**FAILED**: ${run.failures.join('; ')}`}`,
  );
  lines.push('');
  lines.push('## Targets (Concord against the baseline, same run)');
  lines.push('');
  lines.push('| target | Concord | baseline | Concord ÷ baseline | goal | met | measured |');
  lines.push('| --- | ---: | ---: | ---: | ---: | :---: | --- |');
  for (const t of run.targets) lines.push(targetRow(t));
  lines.push('');
  lines.push(
    `![latency against offered load](${charts.latency}) ![delivered per step](${charts.throughput}) ![RSS per session](${charts.rss})`,
  );
  lines.push('');
  lines.push('## 1. Idle connections');
  lines.push('');
  lines.push('| server | sessions | identify/s | server CPU per identify | RSS per session | server CPU while idle |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const s of servers(run)) {
    const i = s.idle;
    lines.push(
      `| ${s.server} | ${n(i.opened)}${i.failed > 0 ? ` (${i.failed} failed)` : ''} | ${n(i.identifiesPerSec)} | ${i.cpuMsPerIdentify === null || i.cpuMsPerIdentify === undefined ? '–' : `${n(i.cpuMsPerIdentify, 2)} ms`} | ${i.rssPerSessionBytes === null ? '–' : `${n(i.rssPerSessionBytes / 1024, 1)} KB`} | ${i.idleCpuPercent === null ? '–' : `${n(i.idleCpuPercent, 1)} %`} |`,
    );
  }
  const p = run.profile;
  lines.push('');
  lines.push(`## 2. Guild fan-out: ${p.fanoutChannels} channels × ${p.fanoutMembers} members`);
  lines.push('');
  lines.push(rampTable(run, (s) => s.fanout, 'deliveries'));
  lines.push('');
  lines.push(`## 3. DMs: ${n(p.dmPairs)} pairs (each message goes to both members)`);
  lines.push('');
  lines.push(rampTable(run, (s) => s.dms, 'messages'));
  lines.push('');
  lines.push(`## 4. History: ${p.historyPageSize}-message pages`);
  lines.push('');
  const h = run.concord?.history;
  if (h === null || h === undefined) lines.push('Not run (the baseline stores nothing).');
  else {
    lines.push(
      `${n(h.storedMessages)} messages stored in one channel; the baseline stores nothing, so this target is absolute.`,
    );
    lines.push('');
    lines.push('| load | page | p50 | p99 | requests/s | server CPU per request |');
    lines.push('| --- | --- | ---: | ---: | ---: | ---: |');
    lines.push(
      `| 1 at a time | latest | ${n(h.single.latest.p50Ms, 2)} ms | ${n(h.single.latest.p99Ms, 2)} ms | ${n(h.single.requestsPerSec)} | |`,
    );
    lines.push(
      `| 1 at a time | older (random before_seq) | ${n(h.single.older.p50Ms, 2)} ms | ${n(h.single.older.p99Ms, 2)} ms | | |`,
    );
    lines.push(
      `| ${h.loaded.concurrency} at once | latest | ${n(h.loaded.latest.p50Ms, 2)} ms | ${n(h.loaded.latest.p99Ms, 2)} ms | ${n(h.loaded.requestsPerSec)} | ${h.loaded.cpuUsPerRequest === null ? '–' : `${n(h.loaded.cpuUsPerRequest)} µs`} |`,
    );
    lines.push(
      `| ${h.loaded.concurrency} at once | older | ${n(h.loaded.older.p50Ms, 2)} ms | ${n(h.loaded.older.p99Ms, 2)} ms | | |`,
    );
    if (h.single.errors + h.loaded.errors > 0)
      lines.push(`\n**${h.single.errors + h.loaded.errors} history requests failed or returned a short page.**`);
  }
  lines.push('');
  lines.push(`## 5. Reconnect storm`);
  lines.push('');
  lines.push(
    '| server | sessions dropped at once | messages sent meanwhile | resumed | identified again | all caught up after | other sessions closed by the server | check |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const s of servers(run)) {
    const st = s.storm;
    if (st === null) continue;
    lines.push(
      `| ${s.server} | ${n(st.sessions)} | ${n(st.messagesWhileAway)} | ${n(st.resumed)} | ${n(st.reidentified)} | ${st.catchUpMs < 0 ? '–' : `${n(st.catchUpMs)} ms`} | ${n(st.serverCloses)} | ${st.correctnessFailure ? `FAILED (missing ${st.missing}, dup ${st.duplicates}, failed ${st.failed}, behind ${st.notCaughtUp})` : 'ok'} |`,
    );
  }
  for (const s of servers(run)) {
    if (s.profile === null) continue;
    lines.push('');
    lines.push(`## CPU profile of the ${s.server} server (${n(s.profile.totalMs)} ms sampled)`);
    lines.push('');
    lines.push('| self % | self ms | function | location |');
    lines.push('| ---: | ---: | --- | --- |');
    for (const e of s.profile.top)
      lines.push(`| ${n(e.selfPercent, 1)} | ${n(e.selfMs)} | \`${e.function}\` | ${e.location} |`);
  }
  lines.push('');
  lines.push(
    'Every step checks correctness while it measures: each member session records `(channel_id, seq)` of every MESSAGE_CREATE; a delivery missing, repeated or reaching a non-member fails the run. Latency runs from the *scheduled* send time (written into the content) to receipt, on the same host. Server CPU is utime+stime from `/proc/<pid>/stat`, RSS is VmRSS.',
  );
  return lines.join('\n') + '\n';
}

/**
 * What one core could sustain at the busiest step's CPU cost (1 s ÷ CPU per delivery or message):
 * a capacity estimate that, unlike the measured peak, does not depend on the load generator keeping
 * up or on other work sharing the machine.
 */
function capacity(ramp: RampResult, unit: 'deliveries' | 'messages'): string {
  const busiest = [...ramp.steps]
    .filter((s) => !s.correctnessFailure && s.serverCpuPercent !== null)
    .sort((a, b) => (b.serverCpuPercent ?? 0) - (a.serverCpuPercent ?? 0))[0];
  const cost = unit === 'deliveries' ? busiest?.cpuUsPerDelivery : busiest?.cpuUsPerMessage;
  return cost === null || cost === undefined || cost <= 0 ? '' : `1 core ≈ ${n(1e6 / cost)} ${unit}/s`;
}

function pct(value: number | null): string {
  return value === null ? '–' : `${n(value)} %`;
}

function servers(run: RunResult): ServerRun[] {
  return [run.concord, run.baseline].filter((s): s is ServerRun => s !== null);
}

function targetRow(t: TargetCheck): string {
  const absolute = t.baseline === null && t.id.startsWith('history');
  const met = t.pass === null ? '?' : t.pass ? 'yes' : '**no**';
  const value = absolute ? '' : t.value === null ? '–' : `${n(t.value, 2)}×`;
  const goal = absolute
    ? `${t.comparison === '<=' ? '≤' : '≥'} ${t.limit} ${t.unit}`
    : `${t.comparison === '<=' ? '≤' : '≥'} ${t.limit}×`;
  const digits = t.unit === 'ms' || t.unit === 'µs' || t.unit === 'KB' ? 2 : 0;
  return `| ${t.label} | ${n(t.concord, digits)} ${t.unit} | ${absolute ? 'n/a' : `${n(t.baseline, digits)} ${t.unit}`} | ${value} | ${goal} | ${met} | ${t.basis} |`;
}

function rampTable(run: RunResult, pick: (s: ServerRun) => RampResult, unit: 'deliveries' | 'messages'): string {
  const rows: string[] = [];
  rows.push(
    `| server | offered msg/s | offered deliveries/s | delivered/s | p50 | p90 | p99 | p99.9 | server CPU | CPU per ${unit === 'deliveries' ? 'delivery' : 'message'} | loadgen CPU | other | check |`,
  );
  rows.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const s of servers(run)) {
    const ramp = pick(s);
    for (const step of ramp.steps) {
      const cpuPer = unit === 'deliveries' ? step.cpuUsPerDelivery : step.cpuUsPerMessage;
      const check = step.correctnessFailure
        ? `FAILED (missing ${step.missing}, dup ${step.duplicates}, non-member ${step.unexpected})`
        : step.fullyDelivered
          ? step.serverCloses > 0
            ? `ok (${step.serverCloses} sessions closed by the server, reconnected)`
            : 'ok'
          : `saturated${step.shed > 0 ? ` (shed ${n(step.shed)})` : ''}`;
      rows.push(
        `| ${s.server} | ${n(step.offeredMsgsPerSec)} | ${n(step.offeredDeliveriesPerSec)} | ${n(step.deliveredPerSec)} | ${n(step.latency.p50Ms, 2)} | ${n(step.latency.p90Ms, 2)} | ${n(step.latency.p99Ms, 2)} | ${n(step.latency.p999Ms, 2)} | ${step.serverCpuPercent === null ? '–' : `${n(step.serverCpuPercent)} %`} | ${cpuPer === null ? '–' : `${n(cpuPer, 1)} µs`} | ${pct(step.loadgenCpuPercent)} | ${pct(step.otherCpuPercent)} | ${check} |`,
      );
    }
    const sat = ramp.saturation;
    rows.push(
      `| ${s.server} | **saturation** | | **${n(sat.peakDeliveredPerSec)}** peak (${n(sat.peakDeliveredMsgsPerSec)} msg/s) | | | | | | ${capacity(ramp, unit)} | | | highest full step: ${n(sat.offeredMsgsPerSec)} msg/s |`,
    );
  }
  rows.push('');
  rows.push(
    'Latencies in ms; CPU in % of one core. "saturated": fewer than 90 % of the offered deliveries arrived in time, sends were shed, or p99 passed 1 s.',
  );
  return rows.join('\n');
}
