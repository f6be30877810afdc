import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseOptions, USAGE, type Options } from './config';
import { WorkerPool } from './loadgen/workerPool';
import type { SendResult } from './loadgen/protocol';
import { describeMachine, pinProcess } from './machine';
import { updateReadme } from './report/readme';
import { writeReports } from './report/write';
import { summarizeProfile } from './report/profileSummary';
import { evaluateTargets } from './report/targets';
import type { RunResult, ServerRun } from './report/types';
import { RunContext } from './scenarios/context';
import { runHistory } from './scenarios/history';
import { runIdle } from './scenarios/idle';
import { runRamp, runStep, type RampResult } from './scenarios/rateSteps';
import { runStorm } from './scenarios/storm';
import { seededDataDir } from './seed/seedCache';
import { externalServer, repoRoot, startBaseline, startConcord, type ServerHandle } from './servers';
import { buildConcordWorld, registerUsers } from './setup/concordWorld';
import { api } from './setup/rest';
import { baselineWorld, gatewayUrlOf, layoutChannels, type Layout, type World } from './setup/world';

/**
 * `npm run bench`: runs every scenario against the baseline relay, then against Concord, on the
 * same load generator, and writes JSON, a markdown summary and SVG charts into bench/results/.
 */
const SERVER_CPU = 0;
const LOADGEN_CPU = 1;

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const options = parseOptions(argv, path.join(repoRoot, 'bench/results'));
  const machine = describeMachine();
  const pin = machine.pinning && options.target === null;
  if (pin) pinProcess(process.pid, LOADGEN_CPU);
  const pinning = pin
    ? `server pinned to CPU ${SERVER_CPU}, load generator (${options.profile.workers} processes) and orchestrator to CPU ${LOADGEN_CPU}, with taskset`
    : `not pinned (${machine.pinning ? 'external target' : 'taskset missing or a single CPU'})`;
  const startedAt = new Date().toISOString();
  console.log(
    `Concord benchmark, ${options.profile.mode} mode: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}`,
  );
  console.log(`  ${pinning}`);
  const result: RunResult = {
    version: 1,
    startedAt,
    finishedAt: startedAt,
    mode: options.profile.mode,
    command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
    machine,
    pinning,
    target: options.target,
    cpuProfiled: options.cpuProfile,
    profile: options.profile,
    baseline: null,
    concord: null,
    targets: [],
    failures: [],
    ok: true,
  };
  if (options.only !== 'concord') result.baseline = await runServer('baseline', options, pin, null);
  if (options.only !== 'baseline') result.concord = await runServer('concord', options, pin, result.baseline);
  result.targets = evaluateTargets(result);
  result.failures = failuresOf(result);
  result.ok = result.failures.length === 0;
  result.finishedAt = new Date().toISOString();
  const written = writeReports(result, options.outDir);
  // The README shows the latest full run made with the default settings into bench/results.
  const defaultRun =
    options.target === null && options.only === null && options.scenarios === null && !options.cpuProfile;
  if (result.mode === 'full' && defaultRun && path.resolve(options.outDir) === path.join(repoRoot, 'bench/results')) {
    if (await updateReadme(result, path.join(repoRoot, 'README.md'), options.outDir)) console.log('README.md updated.');
  }
  console.log('');
  console.log(fs.readFileSync(written.markdown, 'utf8').split('\n## 1.')[0]);
  console.log(
    `Results: ${path.relative(process.cwd(), written.json)}, ${path.relative(process.cwd(), written.markdown)} and charts in ${path.relative(process.cwd(), options.outDir) || '.'}`,
  );
  return result.ok ? 0 : 1;
}

async function runServer(
  kind: 'concord' | 'baseline',
  options: Options,
  pin: boolean,
  baseline: ServerRun | null,
): Promise<ServerRun> {
  const { profile } = options;
  const log = (line: string) => console.log(`[${kind}] ${line}`);
  const layout: Layout = {
    users: profile.idleSessions,
    fanoutChannels: profile.fanoutChannels,
    fanoutMembers: profile.fanoutMembers,
    dmPairs: profile.dmPairs,
  };
  const setupStarted = performance.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-'));
  const profileDir = path.join(options.outDir, 'profiles');
  let server: ServerHandle | null = null;
  let workers: WorkerPool | null = null;
  let booting: Promise<WorkerPool> | null = null;
  try {
    const spawnOptions = { cpu: pin ? SERVER_CPU : null, heartbeatMs: profile.heartbeatMs, nodeFlags: [] as string[] };
    let world: World;
    // The load generator boots (tsx, ~1 s) while the server starts or the seed is made.
    booting = WorkerPool.start(profile.workers, pin && options.target === null ? LOADGEN_CPU : null);
    booting.catch(() => undefined);
    if (kind === 'baseline') {
      server = await startBaseline(spawnOptions);
      world = baselineWorld(server.baseUrl, layout);
      workers = await booting;
    } else if (options.target !== null) {
      server = externalServer(options.target, options.targetPids);
      workers = await booting;
      world = await targetWorld(server.baseUrl, layout, profile.historyMessages, workers, log);
    } else {
      const seed = await seededDataDir(
        dataDir,
        { ...layout, historyMessages: profile.historyMessages },
        options.useCache,
        log,
      );
      if (options.cpuProfile) {
        fs.mkdirSync(profileDir, { recursive: true });
        spawnOptions.nodeFlags = [
          '--cpu-prof',
          `--cpu-prof-dir=${profileDir}`,
          `--cpu-prof-name=concord-${profile.mode}-${Date.now()}.cpuprofile`,
        ];
      }
      server = await startConcord(dataDir, spawnOptions);
      log(`  server at ${server.baseUrl} (pid ${server.pids.join(',')})`);
      const { fanout, dms } = layoutChannels(layout, seed.fanoutIds, seed.dmIds);
      world = {
        baseUrl: server.baseUrl,
        gatewayUrl: gatewayUrlOf(server.baseUrl),
        tokens: seed.users.map((u) => u.token),
        fanout,
        dms,
        history: seed.history,
        announceChannels: false,
      };
      workers = await booting;
    }
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    log(
      `ready in ${setupSeconds.toFixed(1)} s: ${world.tokens.length} users, ${world.fanout.length} fan-out channels, ${world.dms.length} DMs`,
    );
    const ctx = new RunContext(profile, world, workers, server, log);
    const idle = await runIdle(ctx);
    const wanted = (name: string) => options.scenarios === null || options.scenarios.includes(name);
    let fanout = emptyRamp(profile.fanoutMembers);
    if (wanted('fanout')) {
      log(`  fan-out ramp (${world.fanout.length} × ${profile.fanoutMembers}):`);
      const fanoutStart = profile.fanoutStartDeliveries / profile.fanoutMembers;
      fanout = await runRamp(ctx, world.fanout, fanoutStart, halfOf(baseline?.fanout));
      await ensureHalfStep(ctx, world, fanout, kind === 'baseline');
    }
    let dms = emptyRamp(2);
    if (wanted('dms')) {
      log(`  DM ramp (${world.dms.length} pairs):`);
      dms = await runRamp(ctx, world.dms, profile.dmStartMessages, halfOf(baseline?.dms));
      await ensureHalfStep(ctx, world, dms, kind === 'baseline', true);
    }
    const history = wanted('history') ? await runHistory(ctx) : null;
    const storm = wanted('storm') ? await runStorm(ctx) : null;
    await workers.all({ cmd: 'closeAll' });
    const measured = server.pids.length > 0;
    await workers.stop();
    workers = null;
    await server.stop();
    server = null;
    const cpuProfile = options.cpuProfile && kind === 'concord' ? latestProfile(profileDir) : null;
    return {
      server: kind,
      baseUrl: world.baseUrl,
      measured,
      setupSeconds,
      idle,
      fanout,
      dms,
      history,
      storm,
      profile: cpuProfile === null ? null : summarizeProfile(cpuProfile),
    };
  } finally {
    // Stopping twice is harmless; a pool still booting when something failed is stopped too.
    const pool = workers ?? (booting === null ? null : await booting.catch(() => null));
    await pool?.stop();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function emptyRamp(recipientsPerMessage: number): RampResult {
  return {
    recipientsPerMessage,
    steps: [],
    saturation: { offeredMsgsPerSec: null, peakDeliveredPerSec: 0, peakDeliveredMsgsPerSec: 0 },
    failed: false,
  };
}

/** The latency reference for Concord: half the rate the baseline delivered fully. */
function halfOf(ramp: RampResult | undefined): number[] {
  const rate = ramp?.saturation.offeredMsgsPerSec;
  return rate === null || rate === undefined ? [] : [rate / 2];
}

/** The baseline also needs a step at half its own saturation, when bisection left that rate out. */
async function ensureHalfStep(
  ctx: RunContext,
  world: World,
  ramp: RampResult,
  isBaseline: boolean,
  dms = false,
): Promise<void> {
  if (!isBaseline || ramp.failed || !ctx.profile.halfSteps) return;
  const half = halfOf(ramp)[0];
  if (half === undefined || ramp.steps.some((s) => Math.abs(s.offeredMsgsPerSec - half) < 1e-6)) return;
  ramp.steps.push(await runStep(ctx, dms ? world.dms : world.fanout, half));
  ramp.steps.sort((a, b) => a.offeredMsgsPerSec - b.offeredMsgsPerSec);
}

/** --target: register users over REST and fill a history channel by sending to it. */
async function targetWorld(
  baseUrl: string,
  layout: Layout,
  historyMessages: number,
  workers: WorkerPool,
  log: (line: string) => void,
): Promise<World> {
  const runId = Date.now().toString(36);
  log(`  registering ${layout.users + 1} users on ${baseUrl} (argon2 on the server: this takes a while)…`);
  const { tokens, userIds } = await registerUsers(baseUrl, layout.users + 1, runId);
  const readerToken = tokens.pop() as string;
  userIds.pop();
  const guild = await api<{ system_channel_id: string }>(baseUrl, 'POST', '/guilds', readerToken, {
    name: 'bench history',
  });
  const channelId = guild.system_channel_id;
  const [first] = workers.workers;
  let sent = 0;
  while (first !== undefined && sent < historyMessages) {
    const chunk = Math.min(10_000, historyMessages - sent);
    const burst = await first.call<SendResult>({
      cmd: 'burst',
      args: {
        baseUrl,
        senders: [{ channelId, token: readerToken }],
        perChannel: chunk,
        connections: 32,
        contentBytes: 100,
      },
    });
    sent += chunk;
    if (Object.keys(burst.errors).length > 0) throw new Error(`history fill failed: ${JSON.stringify(burst.errors)}`);
  }
  log(`  history channel filled with ${historyMessages} messages`);
  return buildConcordWorld(baseUrl, layout, tokens, userIds, {
    channelId,
    token: readerToken,
    messages: historyMessages,
  });
}

function latestProfile(dir: string): string | null {
  if (!fs.existsSync(dir)) return null;
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return files[0] ?? null;
}

function failuresOf(result: RunResult): string[] {
  const failures: string[] = [];
  for (const run of [result.baseline, result.concord]) {
    if (run === null) continue;
    const name = run.server;
    if (run.idle.failed > 0)
      failures.push(`${name}: ${run.idle.failed} sessions failed to identify (${run.idle.errors[0] ?? ''})`);
    for (const [scenario, ramp] of [
      ['fan-out', run.fanout],
      ['DMs', run.dms],
    ] as const) {
      for (const step of ramp.steps) {
        if (step.correctnessFailure) {
          failures.push(
            `${name} ${scenario} at ${Math.round(step.offeredMsgsPerSec)} msg/s: ${step.missing} missing, ${step.duplicates} duplicated, ${step.unexpected} to non-members`,
          );
        }
      }
    }
    if (run.history !== null && run.history.single.errors + run.history.loaded.errors > 0) {
      failures.push(`${name} history: ${run.history.single.errors + run.history.loaded.errors} bad pages`);
    }
    if (run.storm?.correctnessFailure === true) {
      failures.push(
        `${name} storm: ${run.storm.missing} missing, ${run.storm.duplicates} duplicated, ${run.storm.failed} failed to reconnect, ${run.storm.notCaughtUp} not caught up`,
      );
    }
  }
  return failures;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
