import type { Message } from '@concord/protocol';
import { ApiRequestError, ConcordApi } from '@concord/sdk';
import { sleep } from './checks';

export interface Writer {
  name: string;
  token: string;
  channelId: string;
  /** Base URLs to send through, tried in turn: the first is the writer's home node. */
  baseUrls: readonly string[];
}

export interface Ack {
  writer: string;
  channelId: string;
  nonce: string;
  id: string;
  seq: number;
  /** Where the acknowledgement came from. */
  via: string;
}

/** A request that gets no answer in this long has an unknown outcome (retried with the same nonce). */
const REQUEST_TIMEOUT_MS = 5_000;
/** A message not acknowledged after retrying this long is left unknown (it may or may not exist). */
const GIVE_UP_MS = 45_000;

/**
 * A steady send load: each writer sends one message at a time (content = nonce), waits for its
 * acknowledgement, pauses, sends the next. A timeout, a reset connection or a 5xx is an unknown
 * outcome (RELIABILITY.md): the writer retries the same nonce on the next node until one acknowledges,
 * so a message acknowledged twice must come back as the same message (I4).
 */
export class SendLoad {
  readonly acks: Ack[] = [];
  /** Attempts whose outcome was unknown (and were retried). */
  unknownOutcomes = 0;
  /** Nonces never acknowledged: each may exist once or not at all. */
  readonly abandoned: Array<{ writer: string; channelId: string; nonce: string }> = [];
  /** Answers that are neither an acknowledgement nor an unknown outcome: always a bug. */
  readonly refusals: string[] = [];
  private running = false;
  private loops: Array<Promise<void>> = [];

  constructor(
    private readonly writers: readonly Writer[],
    private readonly pauseMs: number,
  ) {}

  start(): void {
    this.running = true;
    this.loops = this.writers.map((writer) => this.run(writer));
  }

  /** Stops after each writer's message in flight is acknowledged (or abandoned). */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Acknowledgements since `from` (an index into `acks`). */
  acksSince(from: number): Ack[] {
    return this.acks.slice(from);
  }

  private async run(writer: Writer): Promise<void> {
    const apis = writer.baseUrls.map(
      (baseUrl) =>
        new ConcordApi({
          baseUrl,
          token: writer.token,
          fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }),
        }),
    );
    let turn = 0;
    for (let i = 0; this.running; i++) {
      const nonce = `${writer.name}-${i}`;
      const deadline = Date.now() + GIVE_UP_MS;
      for (;;) {
        const index = turn % apis.length;
        try {
          const message: Message = await apis[index]!.sendMessage(writer.channelId, { content: nonce, nonce });
          this.acks.push({
            writer: writer.name,
            channelId: writer.channelId,
            nonce,
            id: message.id,
            seq: message.seq,
            via: writer.baseUrls[index]!,
          });
          break;
        } catch (error) {
          if (error instanceof ApiRequestError && error.status < 500) {
            this.refusals.push(`${nonce}: ${error.message}`);
            break;
          }
          this.unknownOutcomes += 1;
          turn += 1;
          if (Date.now() > deadline) {
            this.abandoned.push({ writer: writer.name, channelId: writer.channelId, nonce });
            break;
          }
          await sleep(50);
        }
      }
      await sleep(this.pauseMs);
    }
  }
}
