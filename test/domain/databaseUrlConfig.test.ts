import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../packages/server/src/config';

describe('parseConfig: CONCORD_DATABASE_URL', () => {
  it('is undefined when unset or blank, which keeps the embedded SQLite store', () => {
    expect(parseConfig({}).databaseUrl).toBeUndefined();
    expect(parseConfig({ CONCORD_DATABASE_URL: '  ' }).databaseUrl).toBeUndefined();
  });

  it('accepts postgres:// and postgresql:// URLs as given', () => {
    for (const url of ['postgres://concord:secret@db:5432/concord', 'postgresql://127.0.0.1/concord?sslmode=require']) {
      expect(parseConfig({ CONCORD_DATABASE_URL: url }).databaseUrl).toBe(url);
    }
  });

  it('refuses anything else without echoing the value, which may hold a password', () => {
    for (const bad of ['mysql://root:hunter2@db/concord', 'hunter2', 'http://db:5432/x']) {
      let error: unknown;
      try {
        parseConfig({ CONCORD_DATABASE_URL: bad });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/CONCORD_DATABASE_URL/);
      expect((error as Error).message).not.toMatch(/hunter2/);
    }
  });
});
