import type { Message, Presence, TypingStart } from '@concord/protocol';
import { ConcordApi, GatewayClient, type GatewayClientOptions } from '@concord/sdk';
import WebSocket from 'ws';
import type { ClusterUser } from './cluster';

export interface Delivery {
  seq: number;
  id: string;
  /** The gateway URL of the connection the device was on when the SDK delivered it. */
  via: string;
}

export interface DeviceOptions {
  /** Where its REST calls go: GET /gateway, gap-fills (a node that stays up, or the balancer). */
  apiBaseUrl: string;
  /**
   * The node's gateway URL for the first connection. After READY the device forgets it, as a
   * client restarted later would, so every reconnection resumes where the session lives or
   * asks GET /gateway (which names a live node).
   */
  firstUrl?: string;
}

/**
 * One device of a user in a cluster test: an SDK `GatewayClient` recording, per channel, every
 * message the SDK delivers (its `message` event: exactly once, in seq order), every presence and
 * typing dispatch, and which node each socket went to.
 */
export class ClusterDevice {
  readonly deliveries = new Map<string, Delivery[]>();
  readonly presences: Array<Presence & { at: number }> = [];
  readonly typing: TypingStart[] = [];
  /** The URL of every socket opened, in order. */
  readonly socketUrls: string[] = [];
  readonly reconnectRequests: number[] = [];
  readonly client: GatewayClient;
  private readonly sockets: WebSocket[] = [];
  private readonly options: GatewayClientOptions;

  constructor(
    readonly name: string,
    readonly user: ClusterUser,
    options: DeviceOptions,
  ) {
    const { sockets, socketUrls } = this;
    class RecordedWebSocket extends WebSocket {
      constructor(url: string) {
        super(url);
        sockets.push(this);
        socketUrls.push(new URL(url).origin.replace(/^ws/, 'http'));
      }
    }
    this.options = {
      api: new ConcordApi({ baseUrl: options.apiBaseUrl, token: user.token }),
      token: user.token,
      deviceId: name,
      WebSocket: RecordedWebSocket,
      url: options.firstUrl,
      reconnectBackoff: { baseMs: 100, maxMs: 1_000 },
      syncRetry: { baseMs: 100, maxMs: 1_000 },
      invalidSessionDelayMs: [10, 100],
      handshakeTimeoutMs: 10_000,
    };
    this.client = new GatewayClient(this.options);
    this.client.on('ready', () => {
      // The SDK keeps its options object: clearing `url` lets later connections use discovery.
      delete this.options.url;
    });
    this.client.on('message', (message: Message) => {
      const list = this.deliveries.get(message.channel_id) ?? [];
      list.push({ seq: message.seq, id: message.id, via: this.currentNode() ?? '?' });
      this.deliveries.set(message.channel_id, list);
    });
    this.client.on('PRESENCE_UPDATE', (presence) => this.presences.push({ ...presence, at: Date.now() }));
    this.client.on('TYPING_START', (typing) => this.typing.push(typing));
    this.client.on('reconnecting', (info) => {
      if (info.reason === 'reconnect-requested') this.reconnectRequests.push(Date.now());
    });
  }

  async connect(): Promise<void> {
    await this.client.connect();
  }

  /** The base URL of the node the device's current socket goes to. */
  currentNode(): string | undefined {
    return this.socketUrls.at(-1);
  }

  seqs(channelId: string): number[] {
    return (this.deliveries.get(channelId) ?? []).map((d) => d.seq);
  }

  lastSeq(channelId: string): number {
    return this.deliveries.get(channelId)?.at(-1)?.seq ?? 0;
  }

  /** Presence updates about `userId` received so far. */
  presencesOf(userId: string): Array<Presence & { at: number }> {
    return this.presences.filter((p) => p.user.id === userId);
  }

  /** Drops the TCP connection without a close frame, as a lost network does. */
  cutNetwork(): void {
    this.sockets.at(-1)?.terminate();
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
