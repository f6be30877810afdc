import type { Profile } from '../config';
import type { WorkerPool } from '../loadgen/workerPool';
import type { Expected, Progress, SendResult, SessionSpec, VerifyResult } from '../loadgen/protocol';
import { totalCpuSeconds, totalRssBytes } from '../procStats';
import type { ServerHandle } from '../servers';
import { channelsByUser, type World } from '../setup/world';

/** What every scenario works with: the sizes, the population, the load generator, the server. */
export class RunContext {
  readonly channelsOf: string[][];

  constructor(
    readonly profile: Profile,
    readonly world: World,
    readonly workers: WorkerPool,
    readonly server: ServerHandle,
    readonly log: (line: string) => void,
  ) {
    this.channelsOf = channelsByUser(world);
  }

  /** Users are spread over the workers round-robin: user i lives in worker i % W. */
  workerOf(user: number): number {
    return user % this.workers.size;
  }

  sessionSpec(user: number): SessionSpec {
    return { key: user, token: this.world.tokens[user] as string, channels: this.channelsOf[user] ?? [] };
  }

  cpuSeconds(): number | undefined {
    return totalCpuSeconds(this.server.pids);
  }

  rssBytes(): number | undefined {
    return totalRssBytes(this.server.pids);
  }

  /** Waits until the workers have seen `expected` deliveries, or `timeoutMs` passed. */
  async drain(expected: number, timeoutMs: number): Promise<Progress[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const progress = await this.workers.all<Progress>({ cmd: 'progress' });
      const seen = progress.reduce((sum, p) => sum + p.deliveries, 0);
      if (seen >= expected || Date.now() >= deadline) return progress;
      await sleep(25);
    }
  }

  /** Sessions the server has closed so far, over all workers (they reconnect by themselves). */
  async serverCloses(): Promise<number> {
    const progress = await this.workers.all<Progress>({ cmd: 'progress' });
    return progress.reduce((total, p) => total + p.closedUnexpectedly, 0);
  }

  verify(expected: Expected): Promise<VerifyResult[]> {
    return this.workers.all<VerifyResult>({ cmd: 'verify', expected });
  }
}

/** Merges what several workers had acknowledged, per channel. */
export function mergeAcked(results: readonly SendResult[]): Expected {
  const merged: Expected = new Map();
  for (const result of results) {
    for (const [channelId, seqs] of result.acked) {
      const list = merged.get(channelId);
      if (list === undefined) merged.set(channelId, [...seqs]);
      else list.push(...seqs);
    }
  }
  return merged;
}

export function mergeErrors(results: ReadonlyArray<{ errors: Record<string, number> }>): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const result of results) {
    for (const [key, count] of Object.entries(result.errors)) merged[key] = (merged[key] ?? 0) + count;
  }
  return merged;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
