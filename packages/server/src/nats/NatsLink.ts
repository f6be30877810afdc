import type { NatsConnection } from '@nats-io/transport-node';

/** The slice of a pino/fastify logger the NATS adapters write to. */
export interface NatsLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export const silentLogger: NatsLogger = { info() {}, warn() {}, error() {} };

/** Where a NATS adapter connects. */
export interface NatsEndpoint {
  /** One `nats://host:port` URL or several (seeds of a NATS cluster). */
  servers: string | string[];
  /** Shown in the broker's connection list, so an operator can tell the adapters apart. */
  name?: string;
  logger?: NatsLogger;
}

/** How long `close` lets a drain flush pending publishes before it closes the socket anyway. */
const DRAIN_TIMEOUT_MS = 2_000;
/** Reconnect waits grow with the outage, from this… */
const MIN_RECONNECT_WAIT_MS = 250;
/** …to this, so a fleet of nodes does not hammer a broker that is coming back. */
const MAX_RECONNECT_WAIT_MS = 5_000;

/**
 * The wait before the next reconnect attempt: a quarter of the outage so far, within the bounds
 * above, plus up to 50% jitter so nodes cut off together do not dial back in step.
 */
export function reconnectWaitMs(outageMs: number, random: number): number {
  const base = Math.min(MAX_RECONNECT_WAIT_MS, MIN_RECONNECT_WAIT_MS + outageMs / 4);
  return Math.floor(base * (1 + random / 2));
}

/**
 * One NATS connection and what the adapters need to know about it: whether it is up right now, and
 * when it came back. The driver is loaded here with a dynamic import, so an embedded node (no
 * CONCORD_NATS_URL) never loads it.
 *
 * Reconnection is nats.js's: forever (`maxReconnectAttempts: -1`), resending every subscription,
 * with waits that grow with the outage (`reconnectWaitMs`). The first connect is not retried: a
 * node that cannot reach its broker at startup fails at once, where an operator sees it, instead
 * of serving as a silent island.
 */
export class NatsLink {
  private up = true;
  private readonly reconnectListeners = new Set<() => void>();

  private constructor(
    readonly connection: NatsConnection,
    readonly logger: NatsLogger,
    private readonly outage: { since: number | undefined },
  ) {
    void this.followStatus();
  }

  static async open(endpoint: NatsEndpoint): Promise<NatsLink> {
    const { connect } = await import('@nats-io/transport-node');
    const outage: { since: number | undefined } = { since: undefined };
    const connection = await connect({
      servers: endpoint.servers,
      name: endpoint.name ?? 'concord',
      maxReconnectAttempts: -1,
      reconnectDelayHandler: () => {
        const now = Date.now();
        outage.since ??= now;
        return reconnectWaitMs(now - outage.since, Math.random());
      },
      // The default (2 min × 2 missed pings) notices a black-holed broker after 4 minutes, far past
      // the presence and discovery TTLs; this notices it in about 15 s.
      pingInterval: 5_000,
      maxPingOut: 3,
    });
    // The first connect went through the same handler: the clock starts at the first disconnect.
    outage.since = undefined;
    return new NatsLink(connection, endpoint.logger ?? silentLogger, outage);
  }

  /** False between a disconnect and the reconnect that follows it. */
  get connected(): boolean {
    return this.up && !this.connection.isClosed();
  }

  /** Calls `listener` after every reconnect (not the first connect); returns the way to stop. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** Flushes what is pending (bounded in time), then closes. Idempotent. */
  async close(): Promise<void> {
    this.reconnectListeners.clear();
    if (this.connection.isClosed()) return;
    if (this.up && !this.connection.isDraining()) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, DRAIN_TIMEOUT_MS);
      });
      await Promise.race([this.connection.drain().catch(() => undefined), timeout]);
      clearTimeout(timer);
    }
    await this.connection.close();
  }

  private async followStatus(): Promise<void> {
    const server = () => this.connection.getServer();
    for await (const status of this.connection.status()) {
      switch (status.type) {
        case 'disconnect':
          this.up = false;
          this.outage.since ??= Date.now();
          this.logger.warn({ server: server() }, 'nats: disconnected, reconnecting');
          break;
        case 'reconnect':
          this.up = true;
          this.outage.since = undefined;
          this.logger.info({ server: server() }, 'nats: reconnected');
          for (const listener of [...this.reconnectListeners]) listener();
          break;
        case 'error':
          this.logger.error({ err: status.error }, 'nats: server error');
          break;
        case 'slowConsumer':
          this.logger.warn({ subject: status.sub.getSubject() }, 'nats: slow consumer, messages dropped');
          break;
        default:
          break;
      }
    }
  }
}
