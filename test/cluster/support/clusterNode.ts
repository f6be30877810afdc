import { ConcordApi } from '@concord/sdk';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ensureServerBuild, SERVER_NODE_ARGS } from '../../../scripts/build';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const START_TIMEOUT_MS = 60_000;

/**
 * One node of a test cluster: the server bundle `npm start` runs, as a real OS process (so it can be SIGKILLed), always on the
 * same port, so a restarted node is where it was — as behind a real address — and URLs handed out
 * before the crash point at it again. Its stdout/stderr go to a log file kept for failed runs.
 */
export class ClusterNode {
  private child: ChildProcess | undefined;
  private exit: Promise<number | string | null> | undefined;
  /** How many times the process was started. */
  starts = 0;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The gateway URL this node answers on (and that GET /gateway names for it). */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  api(token?: string): ConcordApi {
    return new ConcordApi({ baseUrl: this.baseUrl, token });
  }

  /** Starts the process and resolves once it says where it listens (it has joined discovery by then). */
  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    if (this.alive) throw new Error(`${this.name} is already running`);
    this.starts += 1;
    const log = fs.createWriteStream(this.logFile, { flags: 'a' });
    log.write(`--- ${this.name} start #${this.starts} at ${new Date().toISOString()}\n`);
    await ensureServerBuild();
    const child = spawn(process.execPath, [...SERVER_NODE_ARGS], {
      cwd: repoRoot,
      env: { ...process.env, ...this.env, ...extraEnv, CONCORD_PORT: String(this.port), CONCORD_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exit = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        log.end(`--- ${this.name} exited (${String(signal ?? code)})\n`);
        resolve(signal ?? code);
      }),
    );
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    await new Promise<void>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(
        () => reject(new Error(`${this.name} did not start in time (log: ${this.logFile})`)),
        START_TIMEOUT_MS,
      );
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('Concord is running at ')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void this.exit?.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${String(code)}) before listening (log: ${this.logFile})`));
      });
    });
  }

  /** SIGKILL, as a crash: no deregistration, no goodbye to clients, presence left to expire. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM, as an orchestrator stopping a node; resolves with how the process ended. */
  async terminate(): Promise<number | string | null> {
    return this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<number | string | null> {
    const child = this.child;
    if (child === undefined || this.exit === undefined) return null;
    if (this.alive) child.kill(signal);
    return this.exit;
  }
}

/** A port nothing listens on right now (the node is then started on it, and again after a crash). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
