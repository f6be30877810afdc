import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConcordApi } from '@concord/sdk';
import type { SyncMessage } from '@concord/protocol';

/**
 * The two REST routes the gateway client uses, over real HTTP: `GET /gateway` and
 * `GET /channels/:id/messages?after_seq=&limit=` (ascending, tombstones included, as Concord's).
 * Tests put messages in `channels`, can delay or fail answers, and read `requests` afterwards.
 */
export class FakeRest {
  /** Messages per channel id, any order (answers are sorted by seq). */
  readonly channels = new Map<string, SyncMessage[]>();
  /** `after_seq` of every messages request, per channel, in order. */
  readonly requests: Array<{ channelId: string; afterSeq: number; limit: number }> = [];
  gatewayUrl = '';
  /** Answers that fail with 503 before the next success. */
  failNext = 0;
  /** Holds every messages answer until this resolves (to let live events race a fill). */
  gate: Promise<void> | undefined;

  private readonly server = http.createServer((request, response) => void this.handle(request, response));
  baseUrl = '';

  static async start(): Promise<FakeRest> {
    const rest = new FakeRest();
    await new Promise<void>((resolve) => rest.server.listen(0, '127.0.0.1', resolve));
    const { port } = rest.server.address() as AddressInfo;
    rest.baseUrl = `http://127.0.0.1:${port}`;
    return rest;
  }

  api(token = 'user-token'): ConcordApi {
    return new ConcordApi({ baseUrl: this.baseUrl, token });
  }

  put(...messages: SyncMessage[]): void {
    for (const message of messages) {
      const list = this.channels.get(message.channel_id) ?? [];
      this.channels.set(message.channel_id, [...list.filter((m) => m.seq !== message.seq), message]);
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.baseUrl);
    const reply = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === '/api/v10/gateway') return reply(200, { url: this.gatewayUrl });
    const match = /^\/api\/v10\/channels\/(\d+)\/messages$/.exec(url.pathname);
    if (match === null) return reply(404, { code: 0, message: '404: Not Found' });
    const channelId = match[1] as string;
    const afterSeq = Number(url.searchParams.get('after_seq') ?? '0');
    const limit = Number(url.searchParams.get('limit') ?? '50');
    this.requests.push({ channelId, afterSeq, limit });
    if (this.gate !== undefined) await this.gate;
    if (this.failNext > 0) {
      this.failNext--;
      return reply(503, { code: 0, message: 'unavailable' });
    }
    const messages = this.channels.get(channelId);
    if (messages === undefined) return reply(404, { code: 10003, message: 'Unknown Channel' });
    const page = messages
      .filter((message) => message.seq > afterSeq)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit);
    return reply(200, page);
  }
}
