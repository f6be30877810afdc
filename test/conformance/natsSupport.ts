import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';

/** The broker the NATS suites run against: CONCORD_NATS_URL, or the local Debian nats-server. */
export const NATS_URL = process.env.CONCORD_NATS_URL ?? 'nats://127.0.0.1:4222';

const run = randomBytes(4).toString('hex');
let counter = 0;
const created = new Set<string>();

/** A bucket (or subject prefix) name no other test or run uses; buckets are destroyed by `dropBuckets`. */
export function uniqueName(kind: string): string {
  const name = `test_${kind}_${run}_${++counter}`;
  created.add(name);
  return name;
}

/** Destroys every bucket named by `uniqueName` in this file (names that never became buckets are skipped). */
export async function dropBuckets(): Promise<void> {
  const nc = await connect({ servers: NATS_URL, name: 'concord-test-cleanup' });
  try {
    const kvm = new Kvm(nc);
    const existing = new Set<string>();
    for await (const status of kvm.list()) existing.add(status.bucket);
    for (const name of created) {
      if (!existing.has(name)) continue;
      const kv = await kvm.open(name);
      await kv.destroy();
    }
    created.clear();
  } finally {
    await nc.close();
  }
}

export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A private nats-server (JetStream on, its own store directory) that a test may kill -9 and start
 * again on the same port, as a broker crash and restart. Only this process is ever killed.
 */
export class PrivateNatsServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly storeDir: string,
  ) {}

  static async start(): Promise<PrivateNatsServer> {
    const port = await freePort();
    const server = new PrivateNatsServer(port, await mkdtemp(path.join(tmpdir(), 'concord-nats-')));
    await server.restart();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) and resolves once it accepts connections. */
  async restart(): Promise<void> {
    const args = ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir];
    this.child = spawn('nats-server', args, { stdio: 'ignore' });
    await eventually(() => accepts(this.port), 10_000, 'private nats-server listening');
  }

  /** SIGKILL, as a crash: no flush, no goodbye to clients. */
  async crash(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.crash();
    await rm(this.storeDir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
