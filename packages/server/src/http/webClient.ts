import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { HttpServer } from './server';

/** Where `npm run build:web` writes the browser client. */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/**
 * The page's policy: scripts and styles only from this origin (the build has no inline script), the
 * gateway over ws/wss, nothing framed, no plugins. React sets styles through the DOM, which
 * `style-src 'self'` allows.
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Paths that belong to the node itself: never answered with the app. */
const SERVER_PREFIXES = ['/api', '/gateway', '/metrics', '/healthz', '/readyz'];

interface StaticFile {
  body: Buffer;
  gzipped: Buffer | undefined;
  contentType: string;
  cacheControl: string;
  etag: string;
}

export interface WebClientOptions {
  logger: FastifyBaseLogger;
  /** Default: packages/web/dist. */
  distDir?: string;
}

/**
 * Serves the built web client at `/`: files from the build (hashed assets cached for a year,
 * everything else revalidated), and index.html for any other page path that asks for HTML, so the
 * app's own routes (/channels/…, /invite/…) survive a reload. The build is read once at start-up:
 * it is a few hundred kilobytes, and a node serves the client it was started with.
 */
export function registerWebClient(http: HttpServer, options: WebClientOptions): void {
  const distDir = options.distDir ?? WEB_DIST_DIR;
  const files = loadBuild(distDir);
  if (files === undefined) {
    options.logger.warn({ distDir }, 'web client not built: run `npm run build:web`; serving a placeholder page');
  }
  const index = files?.get('/index.html') ?? placeholderPage();

  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const pathname = decodePath(request.url);
    if (pathname === undefined || SERVER_PREFIXES.some((prefix) => isUnder(pathname, prefix))) {
      return reply.callNotFound();
    }
    const file = files?.get(pathname === '/' ? '/index.html' : pathname);
    if (file !== undefined) return send(request, reply, file);
    const wantsHtml = (request.headers.accept ?? '').includes('text/html');
    if (!wantsHtml || pathname.startsWith('/assets/')) return reply.callNotFound();
    return send(request, reply, index);
  };
  http.get('/', { config: { auth: 'public' } }, handler);
  http.get('/*', { config: { auth: 'public' } }, handler);
}

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile): FastifyReply {
  void reply.header('content-type', file.contentType);
  void reply.header('cache-control', file.cacheControl);
  void reply.header('etag', file.etag);
  void reply.header('vary', 'accept-encoding');
  if (file.contentType.startsWith('text/html')) {
    void reply.header('content-security-policy', WEB_CSP);
    void reply.header('x-frame-options', 'DENY');
    void reply.header('referrer-policy', 'no-referrer');
  }
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  if (file.gzipped !== undefined && acceptsGzip) {
    void reply.header('content-encoding', 'gzip');
    return reply.send(file.gzipped);
  }
  return reply.send(file.body);
}

/** Reads every file of the build into memory, keyed by URL path; undefined when there is no build. */
function loadBuild(distDir: string): Map<string, StaticFile> | undefined {
  if (!fs.existsSync(path.join(distDir, 'index.html'))) return undefined;
  const files = new Map<string, StaticFile>();
  for (const relative of listFiles(distDir)) {
    const urlPath = `/${relative.split(path.sep).join('/')}`;
    const body = fs.readFileSync(path.join(distDir, relative));
    const immutable = urlPath.startsWith('/assets/');
    files.set(urlPath, staticFile(body, contentTypeOf(urlPath), immutable));
  }
  return files;
}

function staticFile(body: Buffer, contentType: string, immutable: boolean): StaticFile {
  const compressible = /^(text\/|application\/json|image\/svg)/.test(contentType) && body.length > 1024;
  return {
    body,
    gzipped: compressible ? gzipSync(body) : undefined,
    contentType,
    // Hashed file names change with their content; anything else must be revalidated.
    cacheControl: immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}

function listFiles(root: string, relative = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
    const child = path.join(relative, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(root, child));
    else if (entry.isFile()) out.push(child);
  }
  return out;
}

function contentTypeOf(urlPath: string): string {
  return CONTENT_TYPES[path.extname(urlPath).toLowerCase()] ?? 'application/octet-stream';
}

function decodePath(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url, 'http://placeholder').pathname);
  } catch {
    return undefined;
  }
}

function isUnder(pathname: string, prefix: string): boolean {
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

function placeholderPage(): StaticFile {
  const html = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Concord</title></head>',
    '<body><h1>Concord</h1><p>The web client has not been built. Run <code>npm run build:web</code> ',
    '(or <code>npm start</code>, which builds it first) and restart the node.</p></body></html>',
  ].join('');
  return staticFile(Buffer.from(html), CONTENT_TYPES['.html'] ?? 'text/html', false);
}
