/**
 * A latency histogram with logarithmic buckets (1 % wide) from 1 µs to about 100 s: fixed memory,
 * O(1) recording, and mergeable across load-generator processes by adding counts.
 */
const GROWTH = 1.01;
const LN_GROWTH = Math.log(GROWTH);
const BUCKETS = 1900;

/** What crosses process boundaries: non-empty buckets only. */
export interface HistogramData {
  buckets: Array<[index: number, count: number]>;
  count: number;
  sumUs: number;
  maxUs: number;
}

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export class Histogram {
  private readonly counts = new Uint32Array(BUCKETS);
  count = 0;
  sumUs = 0;
  maxUs = 0;

  record(us: number): void {
    const value = us < 1 ? 1 : us;
    let index = Math.ceil(Math.log(value) / LN_GROWTH);
    if (index >= BUCKETS) index = BUCKETS - 1;
    this.counts[index] = (this.counts[index] ?? 0) + 1;
    this.count += 1;
    this.sumUs += value;
    if (value > this.maxUs) this.maxUs = value;
  }

  merge(data: HistogramData): void {
    for (const [index, count] of data.buckets) this.counts[index] = (this.counts[index] ?? 0) + count;
    this.count += data.count;
    this.sumUs += data.sumUs;
    if (data.maxUs > this.maxUs) this.maxUs = data.maxUs;
  }

  /** The upper bound of the bucket holding the p-th percentile (0 < p ≤ 100), in µs. */
  percentileUs(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let index = 0; index < BUCKETS; index++) {
      seen += this.counts[index] ?? 0;
      if (seen >= rank) return Math.min(GROWTH ** index, this.maxUs);
    }
    return this.maxUs;
  }

  toData(): HistogramData {
    const buckets: Array<[number, number]> = [];
    this.counts.forEach((count, index) => {
      if (count > 0) buckets.push([index, count]);
    });
    return { buckets, count: this.count, sumUs: this.sumUs, maxUs: this.maxUs };
  }

  summary(): LatencySummary {
    const ms = (us: number) => Math.round(us) / 1000;
    return {
      count: this.count,
      meanMs: this.count === 0 ? 0 : ms(this.sumUs / this.count),
      p50Ms: ms(this.percentileUs(50)),
      p90Ms: ms(this.percentileUs(90)),
      p99Ms: ms(this.percentileUs(99)),
      p999Ms: ms(this.percentileUs(99.9)),
      maxMs: ms(this.maxUs),
    };
  }

  static fromAll(parts: readonly HistogramData[]): Histogram {
    const merged = new Histogram();
    for (const part of parts) merged.merge(part);
    return merged;
  }
}

/** Wall-clock microseconds, comparable between processes on one host (sub-millisecond resolution). */
export function nowUs(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}
