import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../packages/server/src/config';

describe('parseConfig', () => {
  it('defaults to a laptop setup: port 8080, ./data, a localhost URL', () => {
    const config = parseConfig({});
    expect(config.port).toBe(8080);
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.rateLimits).toBe(true);
  });

  it('reads CONCORD_* variables', () => {
    const config = parseConfig({
      CONCORD_PORT: '9000',
      CONCORD_DATA_DIR: '/tmp/concord-x',
      CONCORD_PUBLIC_URL: 'https://chat.example.org/',
      CONCORD_RATE_LIMITS: 'false',
      CONCORD_WORKER_ID: '7',
    });
    expect(config).toMatchObject({
      port: 9000,
      dataDir: '/tmp/concord-x',
      publicUrl: 'https://chat.example.org',
      rateLimits: false,
      workerId: 7,
    });
  });

  it('refuses invalid values with a clear message', () => {
    expect(() => parseConfig({ CONCORD_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => parseConfig({ CONCORD_PORT: '70000' })).toThrow(/port/);
    expect(() => parseConfig({ CONCORD_WORKER_ID: '5000' })).toThrow(ConfigError);
    expect(() => parseConfig({ CONCORD_RATE_LIMITS: 'maybe' })).toThrow(/CONCORD_RATE_LIMITS/);
    expect(() => parseConfig({ CONCORD_LOG_LEVEL: 'loud' })).toThrow(ConfigError);
  });
});
