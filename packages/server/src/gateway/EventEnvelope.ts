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
