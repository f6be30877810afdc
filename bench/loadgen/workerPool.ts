import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pinProcess } from '../machine';
import type { WorkerCommand, WorkerReply } from './protocol';

const WORKER_ENTRY = path.join(import.meta.dirname, 'worker.ts');

/** One load-generator process, driven by request/reply over IPC. */
export class WorkerHandle {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly exited: Promise<void>;

  constructor(
    readonly index: number,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (message: WorkerReply) => {
      const waiter = this.waiting.get(message.id);
      if (waiter === undefined) return;
      this.waiting.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`worker ${index}: ${message.error ?? 'failed'}`));
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        for (const waiter of this.waiting.values()) waiter.reject(new Error(`worker ${index} exited (${code})`));
        this.waiting.clear();
        resolve();
      }),
    );
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  call<T>(command: WorkerCommand): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, command });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await this.call({ cmd: 'exit' }).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** The load generator: `count` worker processes, each pinned to `cpu` when pinning is possible. */
export class WorkerPool {
  private constructor(readonly workers: WorkerHandle[]) {}

  static async start(count: number, cpu: number | null): Promise<WorkerPool> {
    const workers = Array.from({ length: count }, (_, index) => {
      const child = fork(WORKER_ENTRY, [], {
        // BENCH_WORKER_CPU_PROF=<dir>: profile the load generator itself (is it the bottleneck?).
        execArgv: [
          ...(process.env.BENCH_WORKER_CPU_PROF === undefined
            ? []
            : ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_WORKER_CPU_PROF}`]),
          '--import',
          'tsx',
        ],
        cwd: path.resolve(import.meta.dirname, '../..'),
        env: { ...process.env, BENCH_WORKER_INDEX: String(index) },
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      if (cpu !== null && child.pid !== undefined) pinProcess(child.pid, cpu);
      return new WorkerHandle(index, child);
    });
    const pool = new WorkerPool(workers);
    // The first call also waits for tsx to load the worker.
    await pool.all({ cmd: 'progress' });
    return pool;
  }

  get pids(): number[] {
    return this.workers.map((worker) => worker.pid);
  }

  get size(): number {
    return this.workers.length;
  }

  all<T>(command: WorkerCommand): Promise<T[]> {
    return Promise.all(this.workers.map((worker) => worker.call<T>(command)));
  }

  /** Sends each worker its own command (by worker index). */
  each<T>(commandFor: (index: number) => WorkerCommand): Promise<T[]> {
    return Promise.all(this.workers.map((worker) => worker.call<T>(commandFor(worker.index))));
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }
}
