/**
 * Field extraction from MESSAGE_CREATE dispatches without JSON.parse: the generator reads tens of
 * thousands of them a second on one core, and only needs four numbers and an id from each. Both
 * Concord and the baseline put `{"op":0,"t":"MESSAGE_CREATE","d":{` first and `,"s":N}` last; the
 * content is the generator's own ASCII text (`bench:<send time µs>:<padding>`).
 */
const MESSAGE_CREATE_PREFIX = Buffer.from('{"op":0,"t":"MESSAGE_CREATE","d":');
const CHANNEL_KEY = Buffer.from('"channel_id":"');
const CONTENT_KEY = Buffer.from('"content":"bench:');
const SEQ_KEY = Buffer.from('"seq":');
const S_KEY = Buffer.from('"s":');

export interface MessageFields {
  channelId: string;
  seq: number;
  /** The sender's timestamp from the content (µs since the epoch); -1 if the content is not ours. */
  sentUs: number;
  s: number;
}

export function isMessageCreate(frame: Buffer): boolean {
  return (
    frame.length > MESSAGE_CREATE_PREFIX.length &&
    frame.compare(MESSAGE_CREATE_PREFIX, 0, MESSAGE_CREATE_PREFIX.length, 0, MESSAGE_CREATE_PREFIX.length) === 0
  );
}

export function messageFields(frame: Buffer): MessageFields | undefined {
  const channelAt = frame.indexOf(CHANNEL_KEY, MESSAGE_CREATE_PREFIX.length);
  if (channelAt < 0) return undefined;
  const idStart = channelAt + CHANNEL_KEY.length;
  const idEnd = frame.indexOf(34 /* " */, idStart);
  const contentAt = frame.indexOf(CONTENT_KEY, idEnd);
  const sentUs = contentAt < 0 ? -1 : digitsAt(frame, contentAt + CONTENT_KEY.length);
  const seqAt = frame.indexOf(SEQ_KEY, contentAt < 0 ? idEnd : contentAt);
  const sAt = frame.lastIndexOf(S_KEY);
  if (seqAt < 0 || sAt < 0) return undefined;
  return {
    channelId: frame.toString('latin1', idStart, idEnd),
    seq: digitsAt(frame, seqAt + SEQ_KEY.length),
    sentUs,
    s: digitsAt(frame, sAt + S_KEY.length),
  };
}

/** The dispatch sequence `s` of any dispatch frame (0 when there is none). */
export function dispatchSequence(frame: Buffer): number {
  const sAt = frame.lastIndexOf(S_KEY);
  return sAt < 0 ? 0 : digitsAt(frame, sAt + S_KEY.length);
}

export function digitsAt(buffer: Buffer, at: number): number {
  let value = 0;
  for (let i = at; i < buffer.length; i++) {
    const c = buffer[i] as number;
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
  }
  return value;
}

/** The body of a send: content padded to `size` bytes, carrying the send time for latency. */
export function messageBody(sentUs: number, nonce: string, size: number): string {
  const head = `bench:${Math.round(sentUs)}:${nonce}:`;
  const content = head.length >= size ? head : head + 'x'.repeat(size - head.length);
  return `{"content":"${content}","nonce":"${nonce}"}`;
}

/** `seq` of the acknowledged message in a send's response body (-1 when absent). */
export function ackedSeq(body: string): number {
  const at = body.indexOf('"seq":');
  if (at < 0) return -1;
  const value = parseInt(body.slice(at + 6, at + 26), 10);
  return Number.isFinite(value) ? value : -1;
}
