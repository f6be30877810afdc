import type { RateBucketName } from './rateLimit';

/**
 * Who may call a route:
 * - `public`: anyone (register, login, health);
 * - `optional`: anyone, but a valid token is resolved when given (e.g. invite preview);
 * - `required`: any authenticated user or bot;
 * - `human`: authenticated non-bot users only (bots get 403 20001, as on Discord).
 */
export type AuthMode = 'public' | 'optional' | 'required' | 'human';

/**
 * Which resource a route's access depends on, so the authorization matrix test can build a
 * member / non-member / anonymous case for every route from the route table alone.
 */
export type RouteResource = 'none' | 'self' | 'guild' | 'channel' | 'message' | 'invite' | 'application';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthMode;
    rateLimit?: RateBucketName;
    resource?: RouteResource;
  }
}

export interface RouteInfo {
  method: string;
  url: string;
  auth: AuthMode;
  resource: RouteResource;
  /** True when the route declares a body schema (fuzzed by the property tests). */
  hasBody: boolean;
}
