import Fastify from 'fastify';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HttpServer } from '../../packages/server/src/http/server';
import { registerWebClient, WEB_CSP } from '../../packages/server/src/http/webClient';
import { startServer, type TestServer } from '../support/testServer';
import { ensureWebBuild } from '../../scripts/build';

let server: TestServer;

beforeAll(async () => {
  await ensureWebBuild();
  server = await startServer();
}, 180_000);

afterAll(async () => {
  await server?.close();
});

const html = { accept: 'text/html,application/xhtml+xml' };

describe('the node serves the web client', () => {
  test('index.html at / and at app paths, with a strict CSP and no caching', async () => {
    for (const pathname of ['/', '/channels/@me', '/channels/123/456', '/invite/abc']) {
      const response = await fetch(`${server.baseUrl}${pathname}`, { headers: html });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toBe(WEB_CSP);
      const body = await response.text();
      expect(body).toContain('<div id="root"></div>');
      // Scripts come from files only: the CSP allows no inline script.
      expect(body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
    expect(WEB_CSP).toContain("script-src 'self'");
    expect(WEB_CSP).toContain("connect-src 'self' ws: wss:");
  });

  test('hashed assets with their types and a year-long cache; gzip when asked', async () => {
    const index = await (await fetch(`${server.baseUrl}/`, { headers: html })).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1];
    const style = /href="(\/assets\/[^"]+\.css)"/.exec(index)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    const js = await fetch(`${server.baseUrl}${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-encoding')).toBe('gzip'); // fetch asks for gzip and decodes it
    expect((await js.text()).length).toBeGreaterThan(1000);
    const css = await fetch(`${server.baseUrl}${style}`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const etag = js.headers.get('etag') ?? '';
    const again = await fetch(`${server.baseUrl}${script}`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  test('the node keeps its own paths: API 404s stay JSON, a missing asset is a 404, not the app', async () => {
    const api = await fetch(`${server.baseUrl}/api/v10/no-such-route`, { headers: html });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/json');
    const asset = await fetch(`${server.baseUrl}/assets/missing-123.js`, { headers: html });
    expect(asset.status).toBe(404);
    const script = await fetch(`${server.baseUrl}/not-a-page.js`, { headers: { accept: '*/*' } });
    expect(script.status).toBe(404);
    const health = await fetch(`${server.baseUrl}/healthz`, { headers: html });
    expect(await health.json()).toEqual({ status: 'ok' });
    const gateway = await fetch(`${server.baseUrl}/api/v10/gateway`);
    expect(((await gateway.json()) as { url: string }).url).toMatch(/^ws:\/\//);
  });

  test('without a build, the node still answers with a page that says how to build it', async () => {
    const warnings: unknown[] = [];
    const logger = { ...silentLogger(), warn: (...args: unknown[]) => warnings.push(args) };
    const http = Fastify() as unknown as HttpServer;
    registerWebClient(http, { logger: logger as never, distDir: fs.mkdtempSync(path.join(os.tmpdir(), 'no-web-')) });
    const response = await http.inject({ method: 'GET', url: '/channels/@me', headers: html });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('npm run build:web');
    expect(warnings).toHaveLength(1);
    await http.close();
  });
});

function silentLogger() {
  const noop = (): void => undefined;
  return {
    info: noop,
    error: noop,
    debug: noop,
    fatal: noop,
    trace: noop,
    warn: noop,
    level: 'silent',
    child: () => silentLogger(),
  };
}
