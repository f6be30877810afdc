import {
  GatewayCloseCode,
  GatewayFrame,
  HeartbeatData,
  IdentifyData,
  PresenceUpdateData,
  RequestGuildMembersData,
  ResumeData,
} from '@concord/protocol';
import { Compile } from 'typebox/compile';

/**
 * What the gateway must answer to one client frame, written from the protocol (the payload schemas
 * in @concord/protocol and Discord's close codes) rather than from the server's code: the fuzz test
 * holds the server to it for arbitrary input.
 */
export type Outcome =
  /** The server closes the socket with this code. */
  | { close: number }
  /** The server answers with this opcode and keeps the socket open. */
  | { reply: number }
  /** The server accepts the frame silently and keeps the socket open. */
  | { quiet: true };

export const MAX_FRAME_BYTES = 16 * 1024;
const MAX_DEPTH = 32;
const MAX_KEYS = 10_000;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const frame = Compile(GatewayFrame);
const heartbeat = Compile(HeartbeatData);
const identify = Compile(IdentifyData);
const presence = Compile(PresenceUpdateData);
const resume = Compile(ResumeData);
const members = Compile(RequestGuildMembersData);

const close = (code: number): Outcome => ({ close: code });

/** The expected outcome of a text frame (binary frames are always 4002). */
export function expectedOutcome(text: string, authenticated: boolean): Outcome {
  if (Buffer.byteLength(text, 'utf8') > MAX_FRAME_BYTES) return close(1009);
  const parsed = parseBounded(text);
  if (parsed === INVALID) return close(GatewayCloseCode.DECODE_ERROR);
  if (!frame.Check(parsed)) {
    const op = (parsed as { op?: unknown } | null)?.op;
    const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    return close(isObject && Number.isInteger(op) ? GatewayCloseCode.UNKNOWN_OPCODE : GatewayCloseCode.DECODE_ERROR);
  }
  const { op, d } = parsed;
  const bad = close(GatewayCloseCode.DECODE_ERROR);
  const needsSession: Outcome = authenticated ? { quiet: true } : close(GatewayCloseCode.NOT_AUTHENTICATED);
  switch (op) {
    case 1:
      return heartbeat.Check(d ?? null) ? { reply: 11 } : bad;
    case 2:
      if (!identify.Check(d)) return bad;
      // The fuzzer never holds a valid token for an unauthenticated socket.
      return close(authenticated ? GatewayCloseCode.ALREADY_AUTHENTICATED : GatewayCloseCode.AUTHENTICATION_FAILED);
    case 3:
      return presence.Check(d) ? needsSession : bad;
    case 4:
      return needsSession;
    case 6:
      if (!resume.Check(d)) return bad;
      return authenticated ? close(GatewayCloseCode.ALREADY_AUTHENTICATED) : { reply: 9 };
    case 8:
      return members.Check(d) ? needsSession : bad;
    default:
      return close(GatewayCloseCode.UNKNOWN_OPCODE);
  }
}

const INVALID = Symbol('invalid');

/** JSON.parse plus the documented bounds: depth ≤ 32, ≤ 10,000 keys, no prototype keys. */
function parseBounded(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return INVALID;
  }
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  let keys = 0;
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth > MAX_DEPTH) return INVALID;
    const entries = Array.isArray(next.value)
      ? next.value.map((item) => ['', item] as const)
      : Object.entries(next.value as Record<string, unknown>);
    for (const [key, item] of entries) {
      if (!Array.isArray(next.value) && FORBIDDEN_KEYS.has(key)) return INVALID;
      keys += 1;
      stack.push({ value: item, depth: next.depth + 1 });
    }
    if (keys > MAX_KEYS) return INVALID;
  }
  return value;
}
