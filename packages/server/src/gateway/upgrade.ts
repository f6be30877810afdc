import type { IncomingMessage } from 'node:http';
import type { Config } from '../config';

/** Paths the gateway answers on: Discord's clients use the root, ours use /gateway. */
const GATEWAY_PATHS = new Set(['/', '/gateway', '/gateway/']);

/**
 * Decides whether an upgrade may become a gateway socket. Browsers always send Origin: only our own
 * origin (same host as the request) and configured origins are let in, which stops another site
 * from opening a socket with a visitor's cookies or stored token (cross-site WebSocket hijacking).
 * Non-browser clients (bots, the SDK in Node) send no Origin and are authenticated by IDENTIFY.
 */
export function checkUpgrade(request: IncomingMessage, config: Config): { status: number; reason: string } | undefined {
  const url = new URL(request.url ?? '/', 'http://placeholder');
  if (!GATEWAY_PATHS.has(url.pathname)) return { status: 404, reason: 'Not Found' };
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  return originAllowed(origin, request.headers.host, config) ? undefined : { status: 403, reason: 'Forbidden' };
}

export function originAllowed(origin: string, host: string | undefined, config: Config): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (host !== undefined && parsed.host === host) return true;
  const allowed = new Set(config.gateway.allowedOrigins);
  if (config.publicUrlSet) allowed.add(new URL(config.publicUrl).origin);
  return allowed.has(parsed.origin);
}

/** The gateway URL for clients: the configured public URL, or the host this request came in on. */
export function gatewayUrlFor(request: IncomingMessage, config: Config): string {
  return gatewayUrl(config, request.headers.host, isTls(request, config.trustProxy));
}

export function gatewayUrl(config: Config, host: string | undefined, tls: boolean): string {
  const base = config.publicUrlSet || host === undefined ? config.publicUrl : `${tls ? 'https' : 'http'}://${host}`;
  return `${base.replace(/^http/, 'ws')}/gateway`;
}

function isTls(request: IncomingMessage, trustProxy: boolean): boolean {
  if (trustProxy && request.headers['x-forwarded-proto'] === 'https') return true;
  return (request.socket as { encrypted?: boolean }).encrypted === true;
}
