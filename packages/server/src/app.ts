import type { FastifyBaseLogger } from 'fastify';
import type { Bus } from './bus/Bus';
import { InProcessBus } from './bus/InProcessBus';
import type { Config } from './config';
import type { Discovery } from './discovery/Discovery';
import { systemClock, type Clock } from './domain/clock';
import { LocalEventPublisher } from './domain/events';
import { Argon2PasswordHasher, type PasswordHasher } from './domain/passwords';
import type { IdGenerator } from './domain/snowflake';
import { GatewayServer } from './gateway/GatewayServer';
import { keepCachesCoherent } from './cluster/CacheCoherence';
import { buildHttpServer, type HttpServer } from './http/server';
import type { RouteInfo } from './http/routeConfig';
import { createLogger } from './logger';
import { Metrics } from './metrics/Metrics';
import { InProcessPresenceStore } from './presence/InProcessPresenceStore';
import type { PresenceStore } from './presence/PresenceStore';
import { createServices, type Services } from './services';
import type { Store } from './stores/ports';

export interface AppDeps {
  config: Config;
  store: Store;
  ids: IdGenerator;
  /** Fan-out between nodes; embedded default: in-process. */
  bus?: Bus;
  /** Who is online; embedded default: in memory. */
  presence?: PresenceStore;
  /** In a cluster: which nodes are live, so clients are sent to the least loaded. */
  discovery?: Discovery;
  /** Shared with the engines (commit batch sizes); one per node. */
  metrics?: Metrics;
  clock?: Clock;
  hasher?: PasswordHasher;
  logger?: FastifyBaseLogger;
}

export interface App {
  http: HttpServer;
  gateway: GatewayServer;
  metrics: Metrics;
  services: Services;
  events: LocalEventPublisher;
  /** Every API route with its access metadata (drives the authorization matrix test). */
  routes: RouteInfo[];
  /**
   * Asks gateway clients to move (RECONNECT), stops accepting requests, finishes in-flight ones,
   * then closes the engines.
   */
  close(): Promise<void>;
}

/**
 * Builds a node from its dependencies without binding a port: the entry point listens, tests call
 * `app.http.listen({ port: 0 })`. The gateway shares the HTTP server's port.
 */
export async function createApp(deps: AppDeps): Promise<App> {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger(deps.config);
  const bus = deps.bus ?? new InProcessBus();
  const presence = deps.presence ?? new InProcessPresenceStore();
  const events = new LocalEventPublisher();
  const metrics = deps.metrics ?? new Metrics();
  const services = createServices({
    config: deps.config,
    store: deps.store,
    ids: deps.ids,
    clock,
    events,
    presence,
    hasher: deps.hasher ?? new Argon2PasswordHasher(),
  });
  const { http, routes } = buildHttpServer({
    config: deps.config,
    store: deps.store,
    services,
    clock,
    logger,
    metrics,
    discovery: deps.discovery,
  });
  const gateway = new GatewayServer({
    config: deps.config,
    store: deps.store,
    services,
    bus,
    presence,
    events,
    clock,
    logger,
    metrics,
  });
  metrics.watchGateway({ gateway: () => gateway.stats() });
  const stopCacheCoherence = keepCachesCoherent(bus, events, {
    forgetUser: (userId) => services.accounts.forgetCachedUser(userId),
    forgetGuild: (guildId) => services.access.forgetGuild(guildId),
    forgetChannel: (channelId) => services.access.forgetChannel(channelId),
    forgetAll: () => {
      services.accounts.forgetAllCached();
      services.access.forgetAll();
    },
  });
  gateway.attach(http.server);
  await http.ready();
  let closing: Promise<void> | undefined;
  return {
    http,
    gateway,
    metrics,
    services,
    events,
    routes,
    close() {
      closing ??= (async () => {
        await gateway.close();
        // Node's server.close() ends the idle keep-alive connections once, when called: one busy with
        // a request then lingers for the whole keep-alive timeout (72 s) after answering it, and the
        // shutdown with it. End each as soon as it goes idle.
        const idleSweeper = setInterval(() => http.server.closeIdleConnections(), 50);
        try {
          await http.close();
        } finally {
          clearInterval(idleSweeper);
        }
        // Only now: the requests http.close waited for have published their events.
        gateway.stopPublishing();
        stopCacheCoherence();
        await services.accounts.close();
        await bus.close();
        await presence.close();
        await deps.store.close();
      })();
      return closing;
    },
  };
}
