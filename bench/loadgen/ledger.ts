import { Histogram, nowUs, type HistogramData } from './histogram';
import type { Expected, VerifyResult } from './protocol';

/** What one session has received during the current step: (channel, seq) pairs, for exactly-once. */
export class SessionRecord {
  readonly received = new Map<string, Set<number>>();
  /** The newest seq seen per channel, kept across steps: where a catch-up fetch starts. */
  readonly lastSeq = new Map<string, number>();

  constructor(readonly channels: ReadonlySet<string>) {}
}

/**
 * A worker's account of one step: every delivery is checked against the session's membership and
 * earlier deliveries at once (duplicates), and against the acknowledged sends at the end (missing).
 */
export class StepLedger {
  latency = new Histogram();
  deliveries = 0;
  duplicates = 0;
  unexpected = 0;
  firstDeliveryUs = 0;
  lastDeliveryUs = 0;
  readonly samples: string[] = [];

  reset(): void {
    this.latency = new Histogram();
    this.deliveries = 0;
    this.duplicates = 0;
    this.unexpected = 0;
    this.firstDeliveryUs = 0;
    this.lastDeliveryUs = 0;
    this.samples.length = 0;
  }

  /** Records one delivery; `sentUs` < 0 means no latency sample (a catch-up fetch). */
  deliver(record: SessionRecord, key: number, channelId: string, seq: number, sentUs: number): void {
    const now = nowUs();
    this.deliveries += 1;
    if (this.firstDeliveryUs === 0) this.firstDeliveryUs = now;
    this.lastDeliveryUs = now;
    if (sentUs > 0) this.latency.record(now - sentUs);
    let seen = record.received.get(channelId);
    if (seen === undefined) {
      seen = new Set();
      record.received.set(channelId, seen);
    }
    if (seen.has(seq)) {
      this.duplicates += 1;
      this.sample(`session ${key}: duplicate ${channelId}/${seq}`);
    } else seen.add(seq);
    if (!record.channels.has(channelId)) {
      this.unexpected += 1;
      this.sample(`session ${key}: message in ${channelId}, not a member`);
    }
    if (seq > (record.lastSeq.get(channelId) ?? 0)) record.lastSeq.set(channelId, seq);
  }

  verify(records: Iterable<[number, SessionRecord]>, expected: Expected): VerifyResult {
    let missing = 0;
    let unacked = 0;
    const expectedSets = new Map<string, Set<number>>();
    for (const [channelId, seqs] of expected) expectedSets.set(channelId, new Set(seqs));
    for (const [key, record] of records) {
      for (const channelId of record.channels) {
        const seqs = expected.get(channelId);
        if (seqs === undefined) continue;
        const seen = record.received.get(channelId);
        for (const seq of seqs) {
          if (seen?.has(seq) !== true) {
            missing += 1;
            this.sample(`session ${key}: missing ${channelId}/${seq}`);
          }
        }
      }
      for (const [channelId, seen] of record.received) {
        const wanted = expectedSets.get(channelId);
        for (const seq of seen) if (wanted?.has(seq) !== true) unacked += 1;
      }
    }
    return {
      deliveries: this.deliveries,
      missing,
      duplicates: this.duplicates,
      unexpected: this.unexpected,
      unacked,
      latency: this.latency.toData(),
      firstDeliveryUs: this.firstDeliveryUs,
      lastDeliveryUs: this.lastDeliveryUs,
      samples: [...this.samples],
    };
  }

  private sample(text: string): void {
    if (this.samples.length < 5) this.samples.push(text);
  }
}

export type { HistogramData };
