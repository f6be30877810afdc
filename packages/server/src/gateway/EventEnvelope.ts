import type { EventRoute } from '../domain/events';

/** What travels on the bus: a small JSON header, a newline, then the event's data JSON as is. */
export interface EnvelopeHeader {
  /** Unique per event: a node receiving one event on several subjects handles it once. */
  id: string;
  type: string;
  route: EventRoute;
  /** Publish time (epoch ms), for the bus-lag metric only: ordering never depends on clocks. */
  at?: number;
}

export interface Envelope {
  header: EnvelopeHeader;
  /** The `d` of the dispatch, serialized once by the publishing node and never re-encoded. */
  dataJson: string;
}

export function encodeEnvelope(header: EnvelopeHeader, dataJson: string): string {
  return `${JSON.stringify(header)}\n${dataJson}`;
}

const ID_PREFIX = '{"id":"';

/**
 * The envelope's id without decoding it, when it is where encodeEnvelope puts it (first, and made
 * of characters JSON leaves as they are); undefined otherwise. A node hears a DM's event once per
 * local recipient: the copies after the first are dropped by id before any parsing.
 */
export function peekEnvelopeId(payload: string): string | undefined {
  if (!payload.startsWith(ID_PREFIX)) return undefined;
  const end = payload.indexOf('"', ID_PREFIX.length);
  if (end < 0) return undefined;
  const id = payload.slice(ID_PREFIX.length, end);
  return id.includes('\\') ? undefined : id;
}

/** Undefined for anything malformed: the bus is not trusted to carry only our own messages. */
export function decodeEnvelope(payload: string): Envelope | undefined {
  const newline = payload.indexOf('\n');
  if (newline < 0) return undefined;
  try {
    const header = JSON.parse(payload.slice(0, newline)) as EnvelopeHeader;
    if (typeof header.id !== 'string' || typeof header.type !== 'string' || typeof header.route !== 'object') {
      return undefined;
    }
    return { header, dataJson: payload.slice(newline + 1) };
  } catch {
    return undefined;
  }
}
