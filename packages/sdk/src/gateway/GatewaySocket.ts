import type { GatewayFrame } from '@concord/protocol';
import { SocketState, type WebSocketConstructor, type WebSocketLike } from './WebSocketLike';

export interface GatewaySocketHandlers {
  onFrame(frame: GatewayFrame): void;
  /** The connection ended (never called after `abandon`). */
  onClose(code: number, reason: string): void;
  /** Text that is not a gateway frame: reported, then ignored. */
  onBadFrame(text: string): void;
}

/** Adds the gateway query (`v=10&encoding=json`) to a URL, keeping whatever else it carries. */
export function gatewayUrl(base: string): string {
  const url = new URL(base);
  url.searchParams.set('v', '10');
  url.searchParams.set('encoding', 'json');
  return url.toString();
}

const decoder = new TextDecoder();

/**
 * One WebSocket connection to the gateway: JSON frames in and out. The client abandons a socket
 * (zombie, RECONNECT, handshake timeout) without waiting for its close handshake — a dead peer may
 * never answer, and `ws` would then wait 30 s — so after `abandon` no handler fires again.
 */
export class GatewaySocket {
  private readonly socket: WebSocketLike;
  private attached = true;

  constructor(WebSocketImpl: WebSocketConstructor, url: string, handlers: GatewaySocketHandlers) {
    this.socket = new WebSocketImpl(url);
    this.socket.addEventListener('message', (event) => {
      if (!this.attached) return;
      const text = decodeText(event.data);
      const frame = text === undefined ? undefined : parseFrame(text);
      if (frame === undefined) handlers.onBadFrame(text ?? '<binary>');
      else handlers.onFrame(frame);
    });
    this.socket.addEventListener('close', (event) => {
      if (!this.attached) return;
      this.attached = false;
      handlers.onClose(event.code, event.reason);
    });
    // `ws` throws an 'error' event that has no listener; browsers report errors, then 'close'.
    this.socket.addEventListener('error', () => {});
  }

  get isOpen(): boolean {
    return this.socket.readyState === SocketState.OPEN;
  }

  /** Sends a frame if the socket is open; returns whether it was sent. */
  send(frame: GatewayFrame): boolean {
    if (!this.isOpen) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Closes and forgets the socket at once: no more frames or close event reach the handlers. */
  abandon(code: number, reason = ''): void {
    this.attached = false;
    this.closeQuietly(code, reason);
  }

  /**
   * Closes with `code` and resolves when the server answers the close (or after `timeoutMs`, for a
   * peer that is gone). Handlers still get the close event.
   */
  closeGracefully(code: number, reason: string, timeoutMs: number): Promise<void> {
    if (this.socket.readyState === SocketState.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(finish, timeoutMs);
      function finish(): void {
        clearTimeout(timer);
        resolve();
      }
      this.socket.addEventListener('close', finish);
      this.closeQuietly(code, reason);
    });
  }

  private closeQuietly(code: number, reason: string): void {
    if (this.socket.readyState === SocketState.CLOSING || this.socket.readyState === SocketState.CLOSED) return;
    try {
      this.socket.close(code, reason);
    } catch {
      // Closing a socket that is still connecting throws in some browsers; it is being dropped anyway.
    }
  }
}

function decodeText(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return decoder.decode(data);
  return undefined;
}

function parseFrame(text: string): GatewayFrame | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const frame = value as Record<string, unknown>;
  if (typeof frame.op !== 'number' || !Number.isInteger(frame.op)) return undefined;
  const s = frame.s;
  const t = frame.t;
  return {
    op: frame.op,
    d: frame.d,
    s: typeof s === 'number' && Number.isInteger(s) ? s : null,
    t: typeof t === 'string' ? t : null,
  };
}
