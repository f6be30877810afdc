import type { Connection } from './Connection';
import type { GatewaySession } from './GatewaySession';

/** Discord's inbound limit: 120 gateway events per 60 seconds per connection. */
export const INBOUND_LIMIT = { events: 120, windowMs: 60_000 };

/**
 * One open socket and what the server tracks about it before and after it is bound to a session:
 * heartbeat liveness and the inbound rate window.
 */
export class ClientLink {
  session: GatewaySession | null = null;
  lastHeartbeatAt: number;
  /** Set while an IDENTIFY or RESUME is being handled, so a second one is refused. */
  busy = false;
  private windowStart: number;
  private windowCount = 0;

  constructor(
    readonly connection: Connection,
    readonly openedAt: number,
    /** Where a client of this socket should resume (the URL it reached us by). */
    readonly gatewayUrl: string,
  ) {
    this.lastHeartbeatAt = openedAt;
    this.windowStart = openedAt;
  }

  /** Counts one inbound event; false once the connection exceeds the limit. */
  countInbound(now: number): boolean {
    if (now - this.windowStart >= INBOUND_LIMIT.windowMs) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    this.windowCount += 1;
    return this.windowCount <= INBOUND_LIMIT.events;
  }
}
