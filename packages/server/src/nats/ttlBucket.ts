import type { KV } from '@nats-io/kv';
import type { StorageType } from '@nats-io/jetstream';
import { assertBucketName } from './kvKey';
import type { NatsLink } from './NatsLink';

/** A KV bucket whose entries the broker drops `ttlMs` after their last write. */
export interface TtlBucket {
  kv: KV;
  /** The bucket's real TTL, which wins over the one asked for if the bucket already existed. */
  ttlMs: number;
  /** Creates the bucket again if the broker lost it (a memory bucket after a broker restart). */
  ensure(): Promise<void>;
}

/**
 * Opens (creating if needed) a bucket that keeps one value per key and forgets it after `ttlMs`.
 * Per-key TTLs need nats-server 2.11, so the TTL is the bucket's (the stream's max age) and owners
 * keep their entries alive by rewriting them. A bucket that already exists keeps its settings: a
 * different TTL is logged and used; no TTL at all is refused, since nothing would ever expire.
 */
export async function openTtlBucket(
  link: NatsLink,
  bucket: string,
  ttlMs: number,
  storage: StorageType,
): Promise<TtlBucket> {
  assertBucketName(bucket);
  if (!Number.isInteger(ttlMs) || ttlMs < 1_000) throw new RangeError(`bucket TTL must be ≥ 1000 ms, got ${ttlMs}`);
  const { Kvm } = await import('@nats-io/kv');
  const kvm = new Kvm(link.connection);
  const create = () => kvm.create(bucket, { ttl: ttlMs, history: 1, storage });
  const kv = await create();
  const actual = (await kv.status()).ttl;
  if (actual <= 0) throw new Error(`NATS KV bucket "${bucket}" exists without a TTL; delete it or give it one`);
  if (actual !== ttlMs) {
    link.logger.warn({ bucket, requestedTtlMs: ttlMs, ttlMs: actual }, 'nats kv: bucket exists with another TTL');
  }
  return {
    kv,
    ttlMs: actual,
    ensure: async () => {
      await create();
    },
  };
}
