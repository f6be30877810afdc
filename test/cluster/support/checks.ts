import type { Message } from '@concord/protocol';
import type { ConcordApi } from '@concord/sdk';
import type { ClusterDevice } from './clusterDevice';

/** Every stored message of a channel with `seq > afterSeq`, ascending, read by seq (100 a page). */
export async function readChannel(api: ConcordApi, channelId: string, afterSeq = 0): Promise<Message[]> {
  const all: Message[] = [];
  for (let cursor = afterSeq; ;) {
    const page = await api.messages(channelId, { after_seq: cursor, limit: 100 });
    all.push(...page);
    if (page.length < 100) return all;
    cursor = page.at(-1)!.seq;
  }
}

/**
 * The invariants of one device's history in one channel against what the store holds (I2, I3, I7):
 * every stored seq after `fromSeq` delivered exactly once, in increasing order, with no gap, and
 * each delivery carrying the id the store has at that seq (nothing invented). Returns the
 * violations, so a failure lists them all.
 */
export function deliveryProblems(
  device: ClusterDevice,
  channelId: string,
  stored: Message[],
  fromSeq: number,
): string[] {
  const problems: string[] = [];
  const expected = stored.filter((m) => m.seq > fromSeq);
  const idAt = new Map(expected.map((m) => [m.seq, m.id]));
  const delivered = device.deliveries.get(channelId) ?? [];
  const seen = new Set<number>();
  let previous = fromSeq;
  for (const { seq, id } of delivered) {
    if (seen.has(seq)) problems.push(`seq ${seq} delivered twice`);
    else if (seq <= previous) problems.push(`seq ${seq} delivered after ${previous}`);
    else if (seq !== previous + 1) problems.push(`gap: ${previous + 1}..${seq - 1} skipped before ${seq}`);
    if (idAt.get(seq) !== id) problems.push(`seq ${seq}: delivered id ${id}, stored ${idAt.get(seq) ?? 'nothing'}`);
    seen.add(seq);
    previous = Math.max(previous, seq);
  }
  const missing = expected.filter((m) => !seen.has(m.seq)).map((m) => m.seq);
  if (missing.length > 0) problems.push(`never delivered: ${compactRanges(missing)}`);
  return problems.map((problem) => `${device.name} in ${channelId}: ${problem}`);
}

/** `[1,2,3,7,9,10]` → `1-3,7,9-10`: failure messages stay readable however many seqs are involved. */
export function compactRanges(values: number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < values.length;) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    ranges.push(i === j ? `${values[i]}` : `${values[i]}-${values[j]}`);
    i = j + 1;
  }
  return ranges.join(',');
}

/** Resolves once `predicate` holds, polling; rejects after `timeoutMs` saying what was awaited. */
export async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The 10 worker bits of a snowflake (42 bits of time | 10 worker | 12 counter). */
export function workerIdOf(snowflake: string): number {
  return Number((BigInt(snowflake) >> 12n) & 0x3ffn);
}
