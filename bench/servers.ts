import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ensureServerBuild, SERVER_NODE_ARGS } from '../scripts/build';

export interface ServerHandle {
  name: 'concord' | 'baseline';
  baseUrl: string;
  /** Processes whose CPU and RSS are measured (empty for a --target we did not start). */
  pids: number[];
  /** The inspector endpoint (started with --inspect), used only to force a GC before reading RSS. */
  inspectorUrl: string | null;
  stop(): Promise<void>;
}

export const repoRoot = path.resolve(import.meta.dirname, '..');

/** An inspector on an ephemeral loopback port: idle unless the harness asks for a GC (inspectorGc.ts). */
const INSPECT = '--inspect=127.0.0.1:0';

export interface SpawnOptions {
  /** CPU to pin the server to with taskset, or null. */
  cpu: number | null;
  heartbeatMs: number;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags: string[];
}

/** Starts Concord as `npm start` runs it: the built server bundle (rebuilt first if stale). */
export async function startConcord(dataDir: string, options: SpawnOptions): Promise<ServerHandle> {
  await ensureServerBuild();
  const child = spawnNode(
    [...options.nodeFlags, INSPECT, ...SERVER_NODE_ARGS],
    {
      CONCORD_PORT: '0',
      CONCORD_HOST: '127.0.0.1',
      CONCORD_DATA_DIR: dataDir,
      CONCORD_LOG_LEVEL: 'warn',
      CONCORD_RATE_LIMITS: 'false',
      CONCORD_HEARTBEAT_INTERVAL_MS: String(options.heartbeatMs),
    },
    options.cpu,
  );
  const { url, inspector } = await waitForUrl(child, /Concord is running at (http:\/\/\S+)/);
  return handle('concord', child, url.replace('localhost', '127.0.0.1'), inspector);
}

export async function startBaseline(options: SpawnOptions): Promise<ServerHandle> {
  const child = spawnNode(
    [...options.nodeFlags, INSPECT, '--import', 'tsx', path.join(repoRoot, 'bench/baseline/relayServer.ts')],
    { BASELINE_PORT: '0', BASELINE_HEARTBEAT_INTERVAL_MS: String(options.heartbeatMs) },
    options.cpu,
  );
  const { url, inspector } = await waitForUrl(child, /Baseline relay is running at (http:\/\/\S+)/);
  return handle('baseline', child, url, inspector);
}

/** A server we did not start (--target): measured from outside, CPU only if its pids are given. */
export function externalServer(baseUrl: string, pids: number[]): ServerHandle {
  return {
    name: 'concord',
    baseUrl: baseUrl.replace(/\/+$/, ''),
    pids,
    inspectorUrl: null,
    stop: async () => undefined,
  };
}

/**
 * Spawns node, through `taskset -c <cpu>` when pinning: taskset execs node, so the pid is the server's.
 * A server pinned to one CPU runs with `--single-threaded-gc` (both servers alike), as README's
 * deployment notes advise for a node given one core: V8's helper threads would only take turns
 * with the event loop on that core (measured: Concord's p99 at 1,000 DMs/s halved, CPU unchanged).
 */
function spawnNode(args: string[], env: Record<string, string>, cpu: number | null): ChildProcess {
  const [command, argv] =
    cpu === null
      ? [process.execPath, args]
      : ['taskset', ['-c', String(cpu), process.execPath, '--single-threaded-gc', ...args]];
  return spawn(command, argv, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function waitForUrl(child: ChildProcess, pattern: RegExp): Promise<{ url: string; inspector: string | null }> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in time: ${stderr}`)), 60_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = pattern.exec(stdout);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        // The inspector announces itself on stderr before the program runs.
        resolve({ url: match[1], inspector: /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1] ?? null });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${String(code)}) before listening: ${stderr}`));
    });
  });
}

function handle(
  name: ServerHandle['name'],
  child: ChildProcess,
  baseUrl: string,
  inspectorUrl: string | null,
): ServerHandle {
  // Keep draining the pipes so a chatty server never blocks on a full pipe; show its errors.
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk
      .toString()
      .split('\n')
      .filter(
        (line) =>
          line !== '' &&
          !/^(Debugger listening|Debugger ending|For help, see|Debugger attached|Waiting for the debugger)/.test(line),
      )
      .join('\n');
    if (text !== '') process.stderr.write(`[${name}] ${text}\n`);
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    name,
    baseUrl,
    pids: child.pid === undefined ? [] : [child.pid],
    inspectorUrl,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      // A graceful exit is what writes a --cpu-prof profile; a stuck one is killed after 20 s.
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
