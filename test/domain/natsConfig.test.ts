import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../packages/server/src/config';

describe('parseConfig: CONCORD_NATS_URL and CONCORD_PRESENCE_TTL_MS', () => {
  it('leaves NATS unset (embedded bus, presence, discovery) and presence TTL at 30 s by default', () => {
    const config = parseConfig({ CONCORD_NATS_URL: ' ' });
    expect(config.natsUrl).toBeUndefined();
    expect(config.presenceTtlMs).toBe(30_000);
  });

  it('accepts one nats:// URL or a comma-separated list of them', () => {
    expect(parseConfig({ CONCORD_NATS_URL: 'nats://127.0.0.1:4222' }).natsUrl).toBe('nats://127.0.0.1:4222');
    expect(parseConfig({ CONCORD_NATS_URL: 'nats://a:4222, nats://u:pw@b:4222' }).natsUrl).toBe(
      'nats://a:4222,nats://u:pw@b:4222',
    );
    expect(parseConfig({ CONCORD_PRESENCE_TTL_MS: '5000' }).presenceTtlMs).toBe(5_000);
  });

  it('refuses other URLs without echoing the value, and TTLs under a second', () => {
    for (const bad of ['http://u:hunter2@host:4222', 'hunter2', 'nats://', 'nats://a:4222,redis://u:hunter2@b']) {
      let error: unknown;
      try {
        parseConfig({ CONCORD_NATS_URL: bad });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/CONCORD_NATS_URL/);
      expect((error as Error).message).not.toMatch(/hunter2/);
    }
    expect(() => parseConfig({ CONCORD_PRESENCE_TTL_MS: '500' })).toThrow(ConfigError);
  });
});
