import { ErrorCode } from '@concord/protocol';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import type { Discovery } from '../discovery/Discovery';
import type { Metrics } from '../metrics/Metrics';
import type { Services } from '../services';
import type { Store } from '../stores/ports';
import { authenticateRequest } from './authenticate';
import { errorBody, handleError } from './errorResponses';
import { parseBoundedJson } from './jsonBody';
import { RATE_BUCKETS, RateLimiter } from './rateLimit';
import type { RouteInfo } from './routeConfig';
import { registerApiRoutes } from './routes';
import { registerWebClient } from './webClient';

export type HttpServer = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface HttpDeps {
  config: Config;
  store: Store;
  services: Services;
  clock: Clock;
  logger: FastifyBaseLogger;
  metrics: Metrics;
  /** Set in a cluster: where to send gateway clients. */
  discovery?: Discovery;
}

export const API_PREFIX = '/api/v10';
const MESSAGE_CREATE_ROUTE = `${API_PREFIX}/channels/:channel_id/messages`;

/** Builds the HTTP API (not listening): validation, auth, rate limits, errors, routes. */
export function buildHttpServer(deps: HttpDeps): { http: HttpServer; routes: RouteInfo[] } {
  const { config, services } = deps;
  const http: HttpServer = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    // Per-request lines are off: at chat rates they cost more than they tell; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 100 },
  }).withTypeProvider<TypeBoxTypeProvider>();
  http.setValidatorCompiler(TypeBoxValidatorCompiler);

  http.removeAllContentTypeParsers();
  http.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim().length === 0) {
      done(null, undefined);
      return;
    }
    try {
      done(null, parseBoundedJson(text));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  const routes: RouteInfo[] = [];
  http.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' || !route.url.startsWith(API_PREFIX)) continue;
      routes.push({
        method,
        url: route.url,
        auth: route.config?.auth ?? 'required',
        resource: route.config?.resource ?? 'none',
        hasBody: route.schema?.body !== undefined,
      });
    }
  });

  const limiter = new RateLimiter(deps.clock);
  http.decorateRequest('principal', null);
  http.addHook('onRequest', async (request, reply) => {
    const routeConfig = request.routeOptions.config;
    if (request.routeOptions.url === undefined) return; // 404s go to the not-found handler
    await authenticateRequest(request, routeConfig.auth ?? 'required', services.accounts);
    if (!config.rateLimits) return;
    const who = request.principal?.user.id ?? `ip:${request.ip}`;
    const bucketName = routeConfig.rateLimit;
    const checks: Array<[string, (typeof RATE_BUCKETS)[keyof typeof RATE_BUCKETS], string]> = [
      ['global', RATE_BUCKETS.global, `global:${who}`],
    ];
    if (bucketName !== undefined) {
      const params = request.params as Record<string, string | undefined>;
      const major = params.channel_id ?? params.guild_id ?? '';
      checks.push([bucketName, RATE_BUCKETS[bucketName], `${bucketName}:${who}:${major}`]);
    }
    for (const [name, bucket, key] of checks) {
      const decision = limiter.hit(bucket, key);
      const resetAfter = Math.max(0, decision.resetAt - deps.clock.now()) / 1000;
      if (name !== 'global' || bucketName === undefined) {
        void reply.headers({
          'x-ratelimit-limit': decision.limit,
          'x-ratelimit-remaining': decision.remaining,
          'x-ratelimit-reset': (decision.resetAt / 1000).toFixed(3),
          'x-ratelimit-reset-after': resetAfter.toFixed(3),
          'x-ratelimit-bucket': name,
        });
      }
      if (!decision.allowed) {
        if (name === 'global') void reply.header('x-ratelimit-global', 'true');
        void reply.header('retry-after', Math.max(1, Math.ceil(resetAfter)));
        void reply.code(429).send({
          ...errorBody(ErrorCode.General, 'You are being rate limited.'),
          retry_after: Number(resetAfter.toFixed(3)),
          global: name === 'global',
        });
        return reply;
      }
    }
    return undefined;
  });

  http.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('content-security-policy')) {
      void reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    }
    return payload;
  });

  http.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    deps.metrics.httpRequests.inc({ method: request.method, route, status: `${Math.floor(reply.statusCode / 100)}xx` });
    deps.metrics.httpDuration.observe({ method: request.method, route }, seconds);
    if (route === MESSAGE_CREATE_ROUTE && request.method === 'POST' && reply.statusCode < 300) {
      deps.metrics.messageSend.observe(seconds);
    }
  });

  http.setErrorHandler((error, request, reply) => handleError(error as Error, request, reply));
  http.setNotFoundHandler((_request, reply) => {
    void reply.code(404).send(errorBody(ErrorCode.General, '404: Not Found'));
  });

  // Scraped by Prometheus on the node itself; the balancer config keeps it off the public side.
  http.get('/metrics', { config: { auth: 'public' } }, async (_request, reply) => {
    const { contentType, body } = await deps.metrics.render();
    return reply.header('content-type', contentType).send(body);
  });

  http.get('/healthz', { config: { auth: 'public' } }, async () => ({ status: 'ok' }));
  http.get('/readyz', { config: { auth: 'public' } }, async (_request, reply) => {
    try {
      await deps.store.ping();
      return { status: 'ready' };
    } catch {
      return reply.code(503).send(errorBody(ErrorCode.ServiceUnavailable, 'store unavailable'));
    }
  });

  void http.register(
    async (api) => {
      registerApiRoutes(api, services, config, deps.discovery);
    },
    { prefix: API_PREFIX },
  );
  registerWebClient(http, { logger: deps.logger });
  return { http, routes };
}
