import { ErrorCode, type ErrorTree } from '@concord/protocol';
import { DomainError } from '../../domain/errors';

/**
 * A form error at a nested path, in Discord's shape: `['permission_overwrites', 0, 'id']` becomes
 * `{ permission_overwrites: { 0: { id: { _errors: [{ code, message }] } } } }`.
 */
export function formError(path: ReadonlyArray<string | number>, code: string, message: string): DomainError {
  const root: ErrorTree = {};
  let node = root;
  for (const part of path) {
    const next: ErrorTree = {};
    node[String(part)] = next;
    node = next;
  }
  node._errors = [{ code, message }];
  return new DomainError(ErrorCode.InvalidFormBody, undefined, root);
}
