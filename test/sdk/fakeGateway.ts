import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { GatewayOpcode, type GatewayFrame } from '@concord/protocol';

/**
 * A scripted gateway server for SDK tests: every connection is handed to the test, which decides
 * what the server says and when. The only thing it does on its own is acknowledge heartbeats
 * (switch off with `autoAck = false` to make a zombie).
 */
export class FakeGateway {
  readonly connections: FakeConnection[] = [];
  private waiting: Array<(connection: FakeConnection) => void> = [];
  private taken = 0;

  private constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
  ) {
    server.on('connection', (socket, request) => {
      const connection = new FakeConnection(socket, request.url ?? '/');
      this.connections.push(connection);
      this.waiting.shift()?.(connection);
    });
  }

  static async start(): Promise<FakeGateway> {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const { port } = server.address() as AddressInfo;
    return new FakeGateway(server, `ws://127.0.0.1:${port}`);
  }

  /** The next connection not yet taken by a test, in arrival order. */
  nextConnection(timeoutMs = 5000): Promise<FakeConnection> {
    const index = this.taken++;
    const existing = this.connections[index];
    if (existing !== undefined) return Promise.resolve(existing);
    return withTimeout(new Promise<FakeConnection>((resolve) => this.waiting.push(resolve)), timeoutMs, 'a connection');
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export class FakeConnection {
  /** Every frame the client sent, in order. */
  readonly received: GatewayFrame[] = [];
  autoAck = true;
  /** The `s` of the last dispatch sent; `dispatch` continues from it. */
  seq = 0;
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly consumed = new Set<number>();
  private wakers: Array<() => void> = [];

  constructor(
    private readonly socket: WebSocket,
    /** The request path and query, e.g. `/?v=10&encoding=json`. */
    readonly path: string,
  ) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as GatewayFrame;
      this.received.push(frame);
      if (frame.op === GatewayOpcode.HEARTBEAT && this.autoAck) this.send({ op: GatewayOpcode.HEARTBEAT_ACK });
      const wakers = this.wakers;
      this.wakers = [];
      for (const wake of wakers) wake();
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** The next frame with this op (or one of these ops) not yet returned by `next` (waits for it). */
  async next(op: number | readonly number[], timeoutMs = 5000): Promise<GatewayFrame> {
    const ops = typeof op === 'number' ? [op] : op;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.received.findIndex((frame, i) => ops.includes(frame.op) && !this.consumed.has(i));
      if (index >= 0) {
        this.consumed.add(index);
        return this.received[index] as GatewayFrame;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no op ${ops.join('/')} frame within ${timeoutMs} ms (got ${this.ops()})`);
      await withTimeout(new Promise<void>((resolve) => this.wakers.push(resolve)), left, `op ${ops.join('/')}`).catch(
        () => {},
      );
    }
  }

  /** Ops received so far, for failure messages. */
  ops(): string {
    return this.received.map((frame) => frame.op).join(',');
  }

  hello(heartbeatIntervalMs = 45_000): void {
    this.send({ op: GatewayOpcode.HELLO, d: { heartbeat_interval: heartbeatIntervalMs } });
  }

  dispatch(t: string, d: unknown, s = this.seq + 1): number {
    this.seq = s;
    this.send({ op: GatewayOpcode.DISPATCH, t, d, s });
    return s;
  }

  send(frame: object | string): void {
    if (this.isOpen) this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  close(code: number, reason = ''): void {
    this.socket.close(code, reason);
  }

  /** Drops the TCP connection without a close frame (a crashed node). */
  terminate(): void {
    this.socket.terminate();
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
