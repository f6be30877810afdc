/**
 * Why the gateway client reports an error. Stable strings, so an app can switch on them:
 * - `FATAL_CLOSE`: the server closed with a code after which reconnecting cannot help (bad token,
 *   bad intents…); the client has stopped. `closeCode` says which.
 * - `CLIENT_CLOSED`: `close()` was called while `connect()` was still waiting.
 * - `NO_WEBSOCKET`: no WebSocket implementation was given and `globalThis.WebSocket` is missing (Node 20).
 * - `GATEWAY_URL_FAILED`: `GET /gateway` failed; the client keeps retrying with backoff.
 * - `LISTENER_FAILED`: an event listener threw; the client carries on.
 * - `SYNC_FETCH_FAILED`: a gap-fill REST request was refused (e.g. access to the channel was lost);
 *   the channel is no longer synced until a new event or READY names it again.
 * - `SYNC_STALLED`: the server did not return messages it announced (a live seq or a READY
 *   `last_seq`) after several tries; later messages of that channel stay held until they arrive.
 * - `DELIVERY_FAILED`: the app's message sink threw; the message counts as delivered.
 * - `CURSOR_STORE_FAILED`: the cursor store threw; the cursor in memory is still right.
 */
export type GatewayErrorCode =
  | 'FATAL_CLOSE'
  | 'CLIENT_CLOSED'
  | 'NO_WEBSOCKET'
  | 'GATEWAY_URL_FAILED'
  | 'LISTENER_FAILED'
  | 'SYNC_FETCH_FAILED'
  | 'SYNC_STALLED'
  | 'DELIVERY_FAILED'
  | 'CURSOR_STORE_FAILED';

export interface GatewayErrorDetails {
  closeCode?: number;
  channelId?: string;
  cause?: unknown;
}

/** An error of the gateway client, with a stable `code`. */
export class GatewayError extends Error {
  override name = 'GatewayError';

  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    readonly details: GatewayErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  get closeCode(): number | undefined {
    return this.details.closeCode;
  }
}
