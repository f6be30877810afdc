import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What a node's gauges read from at scrape time. */
export interface GaugeSources {
  gateway(): { connections: number; sessions: number; subscriptions: number; guildViews: number };
}

/**
 * The node's Prometheus metrics, in one registry per app (tests run several nodes in one process).
 * Names follow Prometheus conventions: `concord_` prefix, base units, `_total` for counters.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'concord_http_requests_total',
    help: 'HTTP API requests by route and status class',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'concord_http_request_duration_seconds',
    help: 'HTTP API request duration',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly messageSend = new Histogram({
    name: 'concord_message_send_seconds',
    help: 'From receiving a message send to acknowledging it (durably committed)',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly commitBatchSize = new Histogram({
    name: 'concord_commit_batch_size',
    help: 'Messages per group-committed transaction',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });

  readonly eventsPublished = new Counter({
    name: 'concord_events_published_total',
    help: 'Domain events this node published to the bus',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly eventsReceived = new Counter({
    name: 'concord_bus_events_received_total',
    help: 'Bus envelopes this node received (after de-duplication)',
    registers: [this.registry],
  });

  readonly dispatchesSent = new Counter({
    name: 'concord_gateway_dispatches_total',
    help: 'Dispatches handed to gateway sessions (events out)',
    registers: [this.registry],
  });

  readonly framesReceived = new Counter({
    name: 'concord_gateway_frames_received_total',
    help: 'Frames received from gateway clients (events in)',
    labelNames: ['op'] as const,
    registers: [this.registry],
  });

  readonly busLag = new Histogram({
    name: 'concord_bus_lag_seconds',
    help: 'From publishing an event on the bus to this node receiving it',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly gatewayCloses = new Counter({
    name: 'concord_gateway_closes_total',
    help: 'Gateway sockets closed, by close code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'concord_' });
  }

  /** Gauges read from the gateway at scrape time (set once the gateway exists). */
  watchGateway(sources: GaugeSources): void {
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read());
        },
      });
    gauge('concord_gateway_connections', 'Open gateway sockets', () => sources.gateway().connections);
    gauge(
      'concord_gateway_sessions',
      'Gateway sessions (attached or awaiting resume)',
      () => sources.gateway().sessions,
    );
    gauge('concord_bus_subscriptions', 'Bus subjects this node subscribes to', () => sources.gateway().subscriptions);
    gauge('concord_guild_views', 'Guilds this node keeps an in-memory view of', () => sources.gateway().guildViews);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
