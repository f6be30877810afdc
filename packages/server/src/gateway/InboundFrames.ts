import {
  GatewayCloseCode,
  GatewayFrame,
  GatewayOpcode,
  HeartbeatData,
  IdentifyData,
  PresenceUpdateData,
  RequestGuildMembersData,
  ResumeData,
} from '@concord/protocol';
import Type from 'typebox';
import { Compile } from 'typebox/compile';
import { parseBoundedJson } from '../http/jsonBody';

/** A client frame that passed every check, or the close code that ends the connection. */
export type InboundFrame =
  | { op: typeof GatewayOpcode.HEARTBEAT; d: number | null }
  | { op: typeof GatewayOpcode.IDENTIFY; d: IdentifyData }
  | { op: typeof GatewayOpcode.PRESENCE_UPDATE; d: PresenceUpdateData }
  | { op: typeof GatewayOpcode.VOICE_STATE_UPDATE }
  | { op: typeof GatewayOpcode.RESUME; d: ResumeData }
  | { op: typeof GatewayOpcode.REQUEST_GUILD_MEMBERS; d: RequestGuildMembersData }
  | { close: number; reason: string };

const frameCheck = Compile(GatewayFrame);
const checks = {
  heartbeat: Compile(HeartbeatData),
  identify: Compile(IdentifyData),
  presence: Compile(PresenceUpdateData),
  resume: Compile(ResumeData),
  members: Compile(RequestGuildMembersData),
  voice: Compile(Type.Unknown()),
};

const decodeError = (reason: string) => ({ close: GatewayCloseCode.DECODE_ERROR, reason });

/**
 * Parses and validates one text frame at the edge: bounded JSON, the envelope schema, then the
 * opcode's own schema. Nothing unvalidated reaches the session logic.
 */
export function parseInboundFrame(text: string): InboundFrame {
  let raw: unknown;
  try {
    raw = parseBoundedJson(text);
  } catch {
    return decodeError('invalid JSON payload');
  }
  if (!frameCheck.Check(raw)) {
    // An integer op outside the envelope's range is still an opcode we do not know (Discord: 4001).
    const op = (raw as { op?: unknown } | null)?.op;
    if (typeof raw === 'object' && !Array.isArray(raw) && Number.isInteger(op)) {
      return { close: GatewayCloseCode.UNKNOWN_OPCODE, reason: `unknown opcode ${String(op)}` };
    }
    return decodeError('invalid payload');
  }
  const { op, d } = raw;
  switch (op) {
    case GatewayOpcode.HEARTBEAT:
      return checks.heartbeat.Check(d ?? null)
        ? { op, d: (d ?? null) as number | null }
        : decodeError('invalid heartbeat');
    case GatewayOpcode.IDENTIFY:
      return checks.identify.Check(d) ? { op, d } : decodeError('invalid identify payload');
    case GatewayOpcode.PRESENCE_UPDATE:
      return checks.presence.Check(d) ? { op, d } : decodeError('invalid presence payload');
    case GatewayOpcode.VOICE_STATE_UPDATE:
      return { op };
    case GatewayOpcode.RESUME:
      return checks.resume.Check(d) ? { op, d } : decodeError('invalid resume payload');
    case GatewayOpcode.REQUEST_GUILD_MEMBERS:
      return checks.members.Check(d) ? { op, d } : decodeError('invalid request guild members payload');
    default:
      return { close: GatewayCloseCode.UNKNOWN_OPCODE, reason: `unknown opcode ${op}` };
  }
}
