import { ErrorCode } from '@concord/protocol';
import { DomainError } from '../domain/errors';

export interface JsonLimits {
  maxDepth: number;
  maxKeys: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 32, maxKeys: 10_000 };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses a request body and bounds its shape before any schema sees it: nesting depth, total keys
 * and prototype-polluting keys. The walk is iterative so a hostile depth cannot overflow the stack.
 */
export function parseBoundedJson(text: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DomainError(ErrorCode.InvalidJson);
  }
  checkShape(value, limits);
  return value;
}

function checkShape(root: unknown, limits: JsonLimits): void {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  let keys = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= limits.maxDepth) {
      throw new DomainError(ErrorCode.InvalidJson, `The request body is nested deeper than ${limits.maxDepth} levels.`);
    }
    if (Array.isArray(value)) {
      keys += value.length;
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
    } else {
      for (const key of Object.keys(value)) {
        if (FORBIDDEN_KEYS.has(key)) throw new DomainError(ErrorCode.InvalidJson, `The key "${key}" is not allowed.`);
        keys += 1;
        stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
      }
    }
    if (keys > limits.maxKeys) throw new DomainError(ErrorCode.InvalidJson, 'The request body has too many keys.');
  }
}
