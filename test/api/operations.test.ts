import { Writable } from 'node:stream';
import pino from 'pino';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConcordApi } from '@concord/sdk';
import { createApp } from '../../packages/server/src/app';
import { parseConfig } from '../../packages/server/src/config';
import { systemClock } from '../../packages/server/src/domain/clock';
import { SnowflakeGenerator } from '../../packages/server/src/domain/snowflake';
import { REDACTED_PATHS } from '../../packages/server/src/logger';
import { openSqliteStore } from '../../packages/server/src/stores/sqlite/openSqliteStore';
import { startServer } from '../support/testServer';

async function bootApp(logger?: pino.Logger) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-ops-'));
  const config = parseConfig({}, { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', rateLimits: false });
  const ids = new SnowflakeGenerator(0, systemClock);
  const store = await openSqliteStore({ file: path.join(dataDir, 'concord.db'), ids });
  const app = await createApp({ config, store, ids, logger });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const address = app.http.server.address() as { port: number };
  return { app, store, dataDir, baseUrl: `http://127.0.0.1:${address.port}` };
}

describe('operations', () => {
  it('serves health and readiness, security headers, and JSON 404s', async () => {
    const server = await startServer();
    try {
      const health = await fetch(`${server.baseUrl}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${server.baseUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect(ready.headers.get('x-content-type-options')).toBe('nosniff');
      expect(ready.headers.get('content-security-policy')).toContain("default-src 'none'");
      const missing = await fetch(`${server.baseUrl}/api/v10/no/such/route`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toContain('application/json');
      expect(await missing.json()).toEqual({ code: 0, message: '404: Not Found' });
    } finally {
      await server.close();
    }
  });

  it('exposes Prometheus metrics for requests, sends, commits and the gateway', async () => {
    const server = await startServer();
    try {
      const alice = await server.user();
      const guild = await alice.api.createGuild({ name: 'Metrics' });
      await Promise.all(
        Array.from({ length: 5 }, (_, i) => alice.api.sendMessage(guild.system_channel_id!, { content: `m${i}` })),
      );
      const response = await fetch(`${server.baseUrl}/metrics`);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
      expect(value('concord_message_send_seconds_count')).toBe(5);
      expect(value('concord_commit_batch_size_sum')).toBe(5);
      expect(value('concord_gateway_sessions')).toBe(0);
      expect(text).toMatch(/concord_http_requests_total\{method="POST",route="\/api\/v10\/guilds",status="2xx"\} 1/);
      expect(text).toContain('concord_process_cpu_seconds_total');
    } finally {
      await server.close();
    }
  });

  it('reports not ready when the store stops answering', async () => {
    const { app, store, baseUrl, dataDir } = await bootApp();
    try {
      expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
      await store.close();
      const response = await fetch(`${baseUrl}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ code: 130000 });
    } finally {
      await app.http.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('never writes passwords or tokens to the log, even at trace level', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ level: 'trace', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    const { app, baseUrl, dataDir } = await bootApp(logger);
    try {
      const api = new ConcordApi({ baseUrl });
      const password = 'super-secret-password-123';
      const { token } = await api.register('logcheck', password);
      await api.login('logcheck', password);
      await api.me();
      await fetch(`${baseUrl}/api/v10/users/@me`, { headers: { authorization: 'Bot leaked-bot-token' } });
      const output = lines.join('');
      expect(output.length).toBeGreaterThan(0);
      expect(output).not.toContain(password);
      expect(output).not.toContain(token);
      expect(output).not.toContain(token.split('.')[1]!);
      expect(output).not.toContain('leaked-bot-token');
    } finally {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
