import { ErrorCode } from '@concord/protocol';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors';
import type { AccountService, Principal } from '../services/AccountService';
import type { AuthMode } from './routeConfig';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, resolved by the auth hook; null when anonymous. */
    principal: Principal | null;
  }
}

/**
 * Resolves `Authorization: <user token>` or `Authorization: Bot <bot token>`. A bot token without
 * the prefix, or a user token with it, is rejected, as Discord does.
 */
export async function resolvePrincipal(
  header: string | undefined,
  accounts: AccountService,
): Promise<Principal | null> {
  if (header === undefined || header.length === 0 || header.length > 512) return null;
  const isBot = header.startsWith('Bot ');
  const token = isBot ? header.slice(4).trim() : header.trim();
  if (token.length === 0) return null;
  const principal = await accounts.authenticate(token);
  if (principal === undefined || principal.user.bot !== isBot) return null;
  return principal;
}

/** Enforces the route's auth mode; throws 401 / 403 as Discord does. */
export async function authenticateRequest(
  request: FastifyRequest,
  mode: AuthMode,
  accounts: AccountService,
): Promise<void> {
  if (mode === 'public') return;
  const principal = await resolvePrincipal(request.headers.authorization, accounts);
  // A bad token is an error even where anonymity is allowed: the caller meant to be someone.
  if (principal === null && request.headers.authorization !== undefined && mode === 'optional') throw unauthorized();
  request.principal = principal;
  if (mode === 'optional') return;
  if (principal === null) throw unauthorized();
  if (mode === 'human' && principal.user.bot) throw new DomainError(ErrorCode.BotsCannotUseEndpoint);
}

export function unauthorized(): DomainError {
  return new DomainError(ErrorCode.Unauthorized, '401: Unauthorized');
}

/** The caller of an authenticated route (the auth hook guarantees it is set). */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw unauthorized();
  return request.principal;
}
