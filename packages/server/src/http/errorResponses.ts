import { ErrorCode, type ApiErrorBody, type ErrorTree } from '@concord/protocol';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors';
import { isStoreUnavailable } from '../stores/sql/sqlErrors';

/** HTTP status for each error code; the only place codes meet HTTP. */
export function statusForCode(code: number): number {
  switch (code) {
    case ErrorCode.Unauthorized:
    case ErrorCode.InvalidAuthToken:
      return 401;
    case ErrorCode.MissingAccess:
    case ErrorCode.MissingPermissions:
    case ErrorCode.UserBanned:
    case ErrorCode.BotsCannotUseEndpoint:
    case ErrorCode.OnlyBotsCanUseEndpoint:
    case ErrorCode.CannotEditOtherUsersMessage:
    case ErrorCode.CannotSendToUser:
      return 403;
    case ErrorCode.RequestTooLarge:
      return 413;
    case ErrorCode.ServiceUnavailable:
      return 503;
    default:
      return code >= 10000 && code < 20000 ? 404 : 400;
  }
}

export function errorBody(code: number, message: string, errors?: ErrorTree): ApiErrorBody {
  return errors === undefined ? { code, message } : { code, message, errors };
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: unknown;
}

/**
 * Turns schema errors into Discord's nested form-error tree:
 * `/message_reference/message_id` → `{message_reference: {message_id: {_errors: [...]}}}`.
 */
export function validationTree(issues: readonly ValidationIssue[], context: string | undefined): ErrorTree {
  const tree: ErrorTree = {};
  for (const issue of issues.slice(0, 20)) {
    const parts = (issue.instancePath ?? '').split('/').filter((p) => p.length > 0);
    // A missing required property is reported on the parent; name the property like Discord does.
    const missing = requiredProperty(issue.params);
    if (missing !== undefined) parts.push(missing);
    if (parts.length === 0) parts.push(context === 'body' || context === undefined ? '_root' : context);
    let node: ErrorTree = tree;
    for (const part of parts) {
      const next = (node[part] as ErrorTree | undefined) ?? {};
      node[part] = next;
      node = next;
    }
    const list = node._errors ?? [];
    list.push({
      code: missing !== undefined ? 'BASE_TYPE_REQUIRED' : 'BASE_TYPE_INVALID',
      message: missing !== undefined ? 'This field is required' : (issue.message ?? 'Invalid value'),
    });
    node._errors = list;
  }
  return tree;
}

function requiredProperty(params: unknown): string | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const p = params as { requiredProperties?: unknown; missingProperty?: unknown };
  if (Array.isArray(p.requiredProperties) && typeof p.requiredProperties[0] === 'string')
    return p.requiredProperties[0];
  if (typeof p.missingProperty === 'string') return p.missingProperty;
  return undefined;
}

/** Fastify's error handler: every failure leaves as a Discord-style JSON error. */
export function handleError(
  error: FastifyError | DomainError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error instanceof DomainError) {
    void reply.code(statusForCode(error.code)).send(errorBody(error.code, error.message, error.errors));
    return;
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation !== undefined) {
    void reply
      .code(400)
      .send(
        errorBody(
          ErrorCode.InvalidFormBody,
          'Invalid Form Body',
          validationTree(fastifyError.validation, fastifyError.validationContext),
        ),
      );
    return;
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      void reply.code(413).send(errorBody(ErrorCode.RequestTooLarge, 'Request entity too large'));
      return;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      void reply.code(415).send(errorBody(ErrorCode.General, 'Unsupported Media Type: send application/json'));
      return;
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      void reply.code(400).send(errorBody(ErrorCode.InvalidJson, 'The request body contains invalid JSON.'));
      return;
    default:
      break;
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    void reply.code(fastifyError.statusCode).send(errorBody(ErrorCode.General, fastifyError.message));
    return;
  }
  if (isStoreUnavailable(error)) {
    request.log.warn({ err: error }, 'store unavailable');
    void reply
      .code(503)
      .header('retry-after', 1)
      .send(errorBody(ErrorCode.ServiceUnavailable, 'The database is unavailable; nothing was saved. Retry shortly.'));
    return;
  }
  request.log.error({ err: error }, 'unhandled error');
  void reply.code(500).send(errorBody(ErrorCode.General, '500: Internal Server Error'));
}
