import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../packages/server/src/config';

/** CONCORD_NATS_PREFIX: how clusters (and test runs) sharing one broker stay apart. */
describe('parseConfig: CONCORD_NATS_PREFIX', () => {
  it('is "concord" by default (subjects concord.…, buckets concord_presence and concord_discovery)', () => {
    expect(parseConfig({}).natsPrefix).toBe('concord');
    expect(parseConfig({ CONCORD_NATS_PREFIX: ' ' }).natsPrefix).toBe('concord');
  });

  it('accepts a name usable as a subject token and in a bucket name', () => {
    expect(parseConfig({ CONCORD_NATS_PREFIX: 'eu-west_2' }).natsPrefix).toBe('eu-west_2');
  });

  it('refuses names that would split a subject, match as a wildcard or make a bad bucket name', () => {
    for (const bad of ['a.b', 'x>', 'all*', 'has space', 'ü', 'x'.repeat(65)]) {
      expect(() => parseConfig({ CONCORD_NATS_PREFIX: bad }), bad).toThrow(ConfigError);
    }
  });
});
