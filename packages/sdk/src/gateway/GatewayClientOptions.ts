import type { IdentifyData, PresenceUpdateData } from '@concord/protocol';
import type { ConcordApi } from '../ConcordApi';
import type { BackoffOptions } from './backoff';
import type { CursorStore } from './CursorStore';
import type { WebSocketConstructor } from './WebSocketLike';

export interface GatewayClientOptions {
  /** REST client: looks up the gateway URL (`GET /gateway`) and fills gaps (`GET …/messages?after_seq=`). */
  api: ConcordApi;
  /** A user token, or `Bot <token>` (IDENTIFY carries it without the prefix, as on Discord). */
  token: string;
  /** Gateway intents (bits of `GatewayIntent`); the server's default applies when omitted. */
  intents?: number;
  /** A stable id of this device, so a reconnecting device replaces its own older session. */
  deviceId?: string;
  properties?: IdentifyData['properties'];
  /** Presence to identify with; `setPresence` changes it (and it is kept for re-identifies). */
  presence?: PresenceUpdateData;
  /** WebSocket implementation; default `globalThis.WebSocket`. Node 20: `import WebSocket from 'ws'`. */
  WebSocket?: WebSocketConstructor;
  /** Connect here instead of asking `GET /gateway`. */
  url?: string;
  /** Where per-channel sync cursors live (default: memory). */
  cursors?: CursorStore;
  /** false: raw dispatches only — no `message` events, no REST gap-fill (default true). */
  sync?: boolean;
  /** Reconnect delays (default 1 s doubling to 30 s, with jitter). */
  reconnectBackoff?: BackoffOptions;
  /** Gap-fill retry delays (default 250 ms doubling to 5 s). */
  syncRetry?: BackoffOptions;
  /** Wait before identifying again after INVALID_SESSION, as Discord asks (default [1000, 5000] ms). */
  invalidSessionDelayMs?: [number, number];
  /** Give up on a connection that makes no progress before READY/RESUMED (default 30 s). */
  handshakeTimeoutMs?: number;
  /** For tests: the jitter source. */
  random?: () => number;
}
