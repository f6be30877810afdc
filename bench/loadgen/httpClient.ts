import net from 'node:net';

export interface HttpResponse {
  status: number;
  body: string;
}

interface Pending {
  request: Buffer;
  /** Retried once already (a kept-alive connection the server had closed just before). */
  retried: boolean;
  resolve: (response: HttpResponse) => void;
  reject: (error: Error) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * A lean HTTP/1.1 keep-alive client: one request in flight per connection, a fixed number of
 * connections, pre-formatted request bytes and a minimal response parser. The SDK's fetch costs the
 * load generator tens of microseconds per request; at tens of thousands of sends a second that
 * would make the generator, not the server, the thing being measured.
 */
export class HttpPool {
  private readonly idle: HttpConnection[] = [];
  private readonly queue: Pending[] = [];
  private readonly host: string;
  private readonly port: number;
  private created = 0;
  private closed = false;
  /** Requests queued or in flight. */
  outstanding = 0;

  constructor(
    baseUrl: string,
    private readonly size: number,
  ) {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:') throw new Error(`only http:// targets are supported, got ${baseUrl}`);
    this.host = url.hostname;
    this.port = Number(url.port || 80);
  }

  request(method: string, path: string, token: string | null, body: string | null): Promise<HttpResponse> {
    const head =
      `${method} ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n` +
      (token === null ? '' : `Authorization: ${token}\r\n`) +
      (body === null ? '' : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`) +
      '\r\n';
    const request = Buffer.from(body === null ? head : head + body);
    this.outstanding += 1;
    return new Promise<HttpResponse>((resolve, reject) => {
      this.queue.push({
        request,
        retried: false,
        resolve: (response) => {
          this.outstanding -= 1;
          resolve(response);
        },
        reject: (error) => {
          this.outstanding -= 1;
          reject(error);
        },
      });
      this.pump();
    });
  }

  close(): void {
    this.closed = true;
    for (const connection of this.idle) connection.destroy();
    this.idle.length = 0;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let connection = this.idle.pop();
      // A kept-alive connection the server closed while it sat idle (keep-alive timeout).
      while (connection !== undefined && !connection.alive) connection = this.idle.pop();
      if (connection === undefined) {
        if (this.created >= this.size) return;
        this.created += 1;
        connection = new HttpConnection(this.host, this.port, () => {
          // A connection the server closed (e.g. nginx after `keepalive_requests`) makes room for a
          // new one: requests queued meanwhile must not wait forever.
          this.created -= 1;
          this.pump();
        });
      }
      const pending = this.queue.shift() as Pending;
      const used = connection;
      const reused = used.used;
      used.exchange(pending.request).then(
        (response) => {
          this.release(used);
          pending.resolve(response);
        },
        (error: Error) => {
          // The server closed a reused connection before answering anything (its keep-alive timeout
          // raced our request): send it again on a fresh one, as HTTP clients do. Sends carry a
          // nonce, so Concord would answer a repeat with the first message, never a second one.
          const retry = reused && !used.answered && !pending.retried;
          this.release(used);
          if (retry) {
            pending.retried = true;
            this.queue.unshift(pending);
            this.pump();
          } else pending.reject(error);
        },
      );
    }
  }

  private release(connection: HttpConnection): void {
    if (connection.alive && !this.closed) this.idle.push(connection);
    else connection.destroy();
    this.pump();
  }
}

class HttpConnection {
  alive = true;
  /** Has carried a request before (a kept-alive connection). */
  used = false;
  /** Bytes of a response arrived for the request in flight. */
  answered = false;
  private readonly socket: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: HttpResponse) => void; reject: (e: Error) => void } | null = null;

  constructor(host: string, port: number, onGone: () => void) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (error: Error) => {
      if (!this.alive) return;
      this.alive = false;
      onGone();
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.reject(error);
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('connection closed')));
  }

  exchange(request: Buffer): Promise<HttpResponse> {
    if (!this.alive) return Promise.reject(new Error('connection closed'));
    this.used = true;
    this.answered = false;
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.answered = true;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const headerEnd = this.buffer.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.buffer.toString('latin1', 0, headerEnd).toLowerCase();
    const status = Number(head.slice(9, 12));
    const bodyStart = headerEnd + 4;
    let body: string;
    let consumed: number;
    const lengthMatch = /\r\ncontent-length:\s*(\d+)/.exec(head);
    if (lengthMatch?.[1] !== undefined) {
      const length = Number(lengthMatch[1]);
      if (this.buffer.length < bodyStart + length) return;
      body = this.buffer.toString('utf8', bodyStart, bodyStart + length);
      consumed = bodyStart + length;
    } else if (/\r\ntransfer-encoding:\s*chunked/.test(head)) {
      const decoded = decodeChunked(this.buffer, bodyStart);
      if (decoded === undefined) return;
      body = decoded.body;
      consumed = decoded.end;
    } else {
      body = '';
      consumed = bodyStart;
    }
    this.buffer = this.buffer.subarray(consumed);
    if (/\r\nconnection:\s*close/.test(head)) {
      this.alive = false;
      this.socket.end();
    }
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.resolve({ status, body });
  }
}

function decodeChunked(buffer: Buffer, start: number): { body: string; end: number } | undefined {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(buffer.toString('latin1', at, lineEnd), 16);
    if (!Number.isFinite(size)) throw new Error('bad chunk size');
    const dataStart = lineEnd + 2;
    if (size === 0) {
      const end = buffer.indexOf(HEADER_END, lineEnd);
      if (end < 0) return undefined;
      return { body: Buffer.concat(parts).toString('utf8'), end: end + 4 };
    }
    if (buffer.length < dataStart + size + 2) return undefined;
    parts.push(buffer.subarray(dataStart, dataStart + size));
    at = dataStart + size + 2;
  }
}
