import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config';
import { systemClock, type Clock } from './domain/clock';
import { LocalEventPublisher } from './domain/events';
import { Argon2PasswordHasher, type PasswordHasher } from './domain/passwords';
import type { IdGenerator } from './domain/snowflake';
import { buildHttpServer, type HttpServer } from './http/server';
import type { RouteInfo } from './http/routeConfig';
import { createLogger } from './logger';
import { createServices, type Services } from './services';
import type { Store } from './stores/ports';

export interface AppDeps {
  config: Config;
  store: Store;
  ids: IdGenerator;
  clock?: Clock;
  hasher?: PasswordHasher;
  logger?: FastifyBaseLogger;
}

export interface App {
  http: HttpServer;
  services: Services;
  events: LocalEventPublisher;
  /** Every API route with its access metadata (drives the authorization matrix test). */
  routes: RouteInfo[];
  /** Stops accepting work, finishes in-flight requests, then closes the store. */
  close(): Promise<void>;
}

/**
 * Builds a node from its dependencies without binding a port: the entry point listens, tests call
 * `app.http.listen({ port: 0 })`.
 */
export async function createApp(deps: AppDeps): Promise<App> {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger(deps.config);
  const events = new LocalEventPublisher();
  const services = createServices({
    config: deps.config,
    store: deps.store,
    ids: deps.ids,
    clock,
    events,
    hasher: deps.hasher ?? new Argon2PasswordHasher(),
  });
  const { http, routes } = buildHttpServer({ config: deps.config, store: deps.store, services, clock, logger });
  await http.ready();
  let closing: Promise<void> | undefined;
  return {
    http,
    services,
    events,
    routes,
    close() {
      closing ??= (async () => {
        await http.close();
        await deps.store.close();
      })();
      return closing;
    },
  };
}
