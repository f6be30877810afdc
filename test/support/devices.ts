import { ConcordApi, GatewayClient } from '@concord/sdk';
import type { Message } from '@concord/protocol';
import WebSocket from 'ws';
import type { TestServer, TestUser } from './testServer';

/**
 * One device of a user: an SDK gateway client over a socket the test can cut, recording every
 * message the SDK delivers (`message` events: exactly once, in seq order, per channel).
 */
export class Device {
  readonly received = new Map<string, number[]>();
  readonly client: GatewayClient;
  private readonly sockets: WebSocket[] = [];
  /** While set, the device's reconnects fail as they would with no network. */
  private networkDown = false;

  constructor(
    readonly name: string,
    server: TestServer,
    user: TestUser,
  ) {
    const sockets = this.sockets;
    const isDown = (): boolean => this.networkDown;
    class CuttableWebSocket extends WebSocket {
      constructor(url: string) {
        // Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
        super(isDown() ? 'ws://127.0.0.1:9/' : url);
        sockets.push(this);
      }
    }
    this.client = new GatewayClient({
      api: new ConcordApi({ baseUrl: server.baseUrl, token: user.token }),
      token: user.token,
      deviceId: name,
      WebSocket: CuttableWebSocket,
      reconnectBackoff: { baseMs: 50, maxMs: 500 },
      syncRetry: { baseMs: 50, maxMs: 500 },
      invalidSessionDelayMs: [10, 50],
    });
    this.client.on('message', (message: Message) => {
      const list = this.received.get(message.channel_id) ?? [];
      list.push(message.seq);
      this.received.set(message.channel_id, list);
    });
  }

  async connect(): Promise<void> {
    await this.client.connect();
  }

  /**
   * Drops the TCP connection without a close frame, as a lost network does. With `keepDown`, the
   * device's reconnects keep failing until `restoreNetwork()`, so what happens meanwhile cannot race
   * its return.
   */
  cutNetwork(options: { keepDown?: boolean } = {}): void {
    this.networkDown = options.keepDown === true;
    this.sockets.at(-1)?.terminate();
  }

  restoreNetwork(): void {
    this.networkDown = false;
  }

  seqs(channelId: string): number[] {
    return this.received.get(channelId) ?? [];
  }

  async waitForSeq(channelId: string, seq: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Math.max(0, ...this.seqs(channelId)) < seq) {
      if (Date.now() > deadline) {
        throw new Error(`${this.name}: channel ${channelId} reached ${this.seqs(channelId).length} of ${seq}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export function contiguous(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Resolves once `predicate` holds, polling; fails the test after `timeoutMs`. */
export async function eventually(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
