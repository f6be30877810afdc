import { GatewayCloseCode, GatewayOpcode } from '@concord/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Bus } from '../bus/Bus';
import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import type { LocalEventPublisher } from '../domain/events';
import type { PresenceStore } from '../presence/PresenceStore';
import type { Metrics } from '../metrics/Metrics';
import type { Services } from '../services';
import type { Store } from '../stores/ports';
import { BusBridge } from './BusBridge';
import { ClientLink } from './ClientLink';
import { WsConnection } from './Connection';
import { Fanout } from './Fanout';
import { GuildViews } from './GuildViews';
import { parseInboundFrame } from './InboundFrames';
import { PresenceTracker } from './PresenceTracker';
import { ReadyBuilder } from './ReadyBuilder';
import { RemotePresence } from './RemotePresence';
import { SessionLifecycle } from './SessionLifecycle';
import { SessionRegistry } from './SessionRegistry';
import { SubscriptionSet } from './SubscriptionSet';
import { checkUpgrade, gatewayUrlFor } from './upgrade';

export interface GatewayDeps {
  config: Config;
  store: Store;
  services: Services;
  bus: Bus;
  presence: PresenceStore;
  events: LocalEventPublisher;
  clock: Clock;
  logger: FastifyBaseLogger;
  metrics: Metrics;
}

/** How long a shutting-down node waits for clients to answer its close frame before dropping them. */
const SHUTDOWN_CLOSE_GRACE_MS = 1_000;

/** Largest client frame accepted; Discord allows 4096 bytes, we allow a little more. */
export const MAX_INBOUND_FRAME_BYTES = 16 * 1024;

/**
 * The realtime gateway of one node: accepts WebSocket upgrades, speaks Discord's gateway protocol
 * and delivers the bus's events to the sessions connected here.
 */
export class GatewayServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_INBOUND_FRAME_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
  });
  private readonly links = new Set<ClientLink>();
  private readonly sessions = new SessionRegistry();
  private readonly subscriptions: SubscriptionSet;
  private readonly views: GuildViews;
  private readonly stopGapWatch: () => void;
  private readonly lifecycle: SessionLifecycle;
  private readonly unsubscribeEvents: () => void;
  private readonly stopRemotePresence: () => void;
  private readonly sweepTimer: NodeJS.Timeout;
  private closing = false;

  constructor(private readonly deps: GatewayDeps) {
    const { config, store, services, bus, events } = deps;
    const fanout: { current?: Fanout } = {};
    this.subscriptions = new SubscriptionSet(bus, (_subject, payload) => fanout.current?.onBusMessage(payload));
    this.views = new GuildViews(store, this.subscriptions, (_guildId, queued) => fanout.current?.replay(queued));
    // Events lost while this node was cut off from the bus may have changed who may see what.
    this.stopGapWatch = deps.bus.onGap(() => {
      void this.views
        .reloadAll()
        .catch((error: unknown) => deps.logger.error({ err: error }, 'could not reload guild views after a bus gap'));
    });
    const tracker = new PresenceTracker(deps.presence, events, this.views, config.gateway.presenceMaxGuildSize);
    this.lifecycle = new SessionLifecycle({
      ...deps,
      sessions: this.sessions,
      subscriptions: this.subscriptions,
      views: this.views,
      tracker,
      ready: new ReadyBuilder(store, services, tracker, config.gateway.presenceMaxGuildSize),
    });
    fanout.current = new Fanout(
      this.sessions,
      this.views,
      {
        joinGuild: (session, guildId, payload) => this.lifecycle.joinGuild(session, guildId, payload),
        leaveGuild: (session, guildId) => this.lifecycle.leaveGuild(session, guildId),
      },
      deps.metrics,
    );
    const remotePresence = new RemotePresence({
      store,
      tracker,
      sessions: this.sessions,
      views: this.views,
      presenceMaxGuildSize: config.gateway.presenceMaxGuildSize,
      deliverLocally: (envelope) => fanout.current?.replay([envelope]),
    });
    this.stopRemotePresence = deps.presence.onRemoteChange((userId, change) =>
      this.background(remotePresence.changed(userId, change)),
    );
    const bridge = new BusBridge(bus, deps.metrics);
    this.unsubscribeEvents = events.subscribe((event) => bridge.publish(event));
    const sweepEvery = Math.max(50, Math.min(1_000, Math.floor(config.gateway.heartbeatIntervalMs / 4)));
    this.sweepTimer = setInterval(() => this.sweep(), sweepEvery);
    this.sweepTimer.unref();
  }

  /** Takes over WebSocket upgrades of the HTTP server (the same port as the API). */
  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const refusal = this.closing ? { status: 503, reason: 'shutting down' } : checkUpgrade(request, this.deps.config);
      if (refusal !== undefined) {
        socket.end(`HTTP/1.1 ${refusal.status} ${refusal.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request, socket));
    });
  }

  /** Counts for health checks and metrics. */
  stats(): { connections: number; sessions: number; subscriptions: number; guildViews: number } {
    return {
      connections: this.links.size,
      sessions: this.sessions.size,
      subscriptions: this.subscriptions.size,
      guildViews: this.views.size,
    };
  }

  /**
   * Asks every client to move (RECONNECT), closes the sockets and ends the sessions. Committed
   * changes still go out on the bus until `stopPublishing`: requests the node finishes while it
   * drains must wake the other nodes' devices like any other.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.sweepTimer);
    this.stopRemotePresence();
    this.stopGapWatch();
    for (const session of [...this.sessions.all()]) session.requestReconnect();
    for (const link of [...this.links]) link.connection.close(1012, 'node shutting down: reconnect');
    await Promise.all([...this.sessions.all()].map((session) => this.lifecycle.destroy(session)));
    this.subscriptions.clear();
    // A client that stopped reading never answers the close frame, and ws waits 30 s for that answer
    // (holding the HTTP server's close, so the whole shutdown, hostage): give the others a moment
    // to finish their close handshake, then drop whatever is left.
    for (let waited = 0; this.links.size > 0 && waited < SHUTDOWN_CLOSE_GRACE_MS; waited += 25) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    for (const link of [...this.links]) link.connection.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /** Stops carrying this node's events to the bus: once no request is left in flight. */
  stopPublishing(): void {
    this.unsubscribeEvents();
  }

  private accept(ws: WebSocket, request: IncomingMessage, socket: Duplex): void {
    const { config, clock } = this.deps;
    const url = new URL(request.url ?? '/', 'http://placeholder');
    const link = new ClientLink(new WsConnection(ws, socket), clock.now(), gatewayUrlFor(request, config));
    this.links.add(link);
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(link, data, isBinary));
    ws.on('close', (code: number) => {
      this.deps.metrics.gatewayCloses.inc({ code: String(code) });
      this.links.delete(link);
      this.background(this.lifecycle.socketClosed(link, code));
    });
    ws.on('error', () => link.connection.close(GatewayCloseCode.UNKNOWN_ERROR, 'socket error'));
    const version = url.searchParams.get('v');
    if (version !== null && version !== '10' && version !== '9') {
      link.connection.close(GatewayCloseCode.INVALID_API_VERSION, 'only gateway v10 is served');
      return;
    }
    const encoding = url.searchParams.get('encoding');
    if ((encoding !== null && encoding !== 'json') || url.searchParams.has('compress')) {
      link.connection.close(GatewayCloseCode.DECODE_ERROR, 'only uncompressed JSON encoding is served');
      return;
    }
    link.connection.sendText(
      JSON.stringify({ op: GatewayOpcode.HELLO, d: { heartbeat_interval: config.gateway.heartbeatIntervalMs } }),
    );
  }

  private onMessage(link: ClientLink, data: RawData, isBinary: boolean): void {
    const now = this.deps.clock.now();
    if (!link.countInbound(now)) {
      link.connection.close(GatewayCloseCode.RATE_LIMITED, 'you are sending too fast');
      return;
    }
    if (isBinary) {
      link.connection.close(GatewayCloseCode.DECODE_ERROR, 'binary frames are not accepted');
      return;
    }
    const frame = parseInboundFrame(rawToString(data));
    this.deps.metrics.framesReceived.inc({ op: 'close' in frame ? 'invalid' : String(frame.op) });
    if ('close' in frame) {
      link.connection.close(frame.close, frame.reason);
      return;
    }
    const session = link.session;
    switch (frame.op) {
      case GatewayOpcode.HEARTBEAT:
        link.lastHeartbeatAt = now;
        if (session !== null && frame.d !== null) session.acknowledge(frame.d);
        link.connection.sendText(`{"op":${GatewayOpcode.HEARTBEAT_ACK}}`);
        return;
      case GatewayOpcode.IDENTIFY:
      case GatewayOpcode.RESUME:
        if (session !== null || link.busy) {
          link.connection.close(GatewayCloseCode.ALREADY_AUTHENTICATED, 'already authenticated');
          return;
        }
        link.busy = true;
        this.background(
          (frame.op === GatewayOpcode.IDENTIFY
            ? this.lifecycle.identify(link, frame.d)
            : this.lifecycle.resume(link, frame.d)
          ).finally(() => {
            link.busy = false;
          }),
        );
        return;
      default:
        break;
    }
    if (session === null) {
      link.connection.close(GatewayCloseCode.NOT_AUTHENTICATED, 'identify first');
      return;
    }
    if (frame.op === GatewayOpcode.PRESENCE_UPDATE) this.background(this.lifecycle.updatePresence(session, frame.d));
    else if (frame.op === GatewayOpcode.REQUEST_GUILD_MEMBERS)
      this.background(this.lifecycle.requestGuildMembers(session, frame.d));
  }

  /** Work started from a socket event: a failure is logged, never an unhandled rejection. */
  private background(task: Promise<unknown>): void {
    task.catch((error: unknown) => this.deps.logger.error({ err: error }, 'gateway task failed'));
  }

  /** Heartbeat timeouts (zombie sockets), unidentified sockets, and expired resume windows. */
  private sweep(): void {
    const now = this.deps.clock.now();
    const timeout = heartbeatTimeout(this.deps.config.gateway.heartbeatIntervalMs);
    for (const link of this.links) {
      // A socket must authenticate within a bounded time even if it heartbeats; an INVALID_SESSION
      // leaves the client seconds to identify again, well inside this.
      if (link.session === null && !link.busy && now - link.openedAt > timeout + UNBOUND_GRACE_MS) {
        link.connection.close(GatewayCloseCode.NOT_AUTHENTICATED, 'no identify in time');
        continue;
      }
      if (now - link.lastHeartbeatAt <= timeout) continue;
      if (link.session === null) {
        link.connection.close(GatewayCloseCode.NOT_AUTHENTICATED, 'no identify in time');
      } else {
        const session = link.session;
        session.invalidate();
        link.connection.close(GatewayCloseCode.SESSION_TIMED_OUT, 'heartbeat missed');
        // End the session now rather than on the socket's 'close': a zombie peer never answers the
        // close frame, and ws waits 30 s before giving up on it — the user would look online until then.
        this.background(this.lifecycle.destroy(session));
      }
    }
    const window = this.deps.config.gateway.resumeWindowMs;
    for (const session of [...this.sessions.all()]) {
      if (session.detachedAt !== null && (now - session.detachedAt > window || !session.canResume)) {
        this.background(this.lifecycle.destroy(session));
      }
    }
  }
}

/** Extra time an unauthenticated socket gets beyond the heartbeat timeout. */
const UNBOUND_GRACE_MS = 5_000;

/** A client heartbeats every interval (the first after a random fraction of it); allow for jitter and lag. */
export function heartbeatTimeout(intervalMs: number): number {
  return Math.round(intervalMs * 1.5) + 1_000;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
