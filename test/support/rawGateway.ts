import WebSocket from 'ws';

export interface Frame {
  op: number;
  d: unknown;
  s?: number | null;
  t?: string | null;
}

/**
 * A bare gateway client for protocol tests: it records every frame and lets a test wait for one.
 * It does nothing on its own (no heartbeats unless asked), so tests control the protocol exactly.
 */
export class RawGateway {
  readonly frames: Frame[] = [];
  closeCode: number | undefined;
  closeReason = '';
  private readonly ws: WebSocket;
  private readonly opened: Promise<void>;
  private readonly closedPromise: Promise<number>;
  private waiters: Array<() => void> = [];
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    this.closedPromise = new Promise((resolve) =>
      this.ws.once('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        this.stopHeartbeats();
        this.notify();
        resolve(code);
      }),
    );
    this.ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      this.notify();
    });
  }

  static async connect(baseUrl: string, path = '/gateway?v=10&encoding=json', headers?: Record<string, string>) {
    const gateway = new RawGateway(baseUrl.replace(/^http/, 'ws') + path, headers);
    await gateway.opened;
    return gateway;
  }

  send(payload: unknown): void {
    this.ws.send(typeof payload === 'string' ? payload : JSON.stringify(payload));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  identify(token: string, extra: Record<string, unknown> = {}): void {
    this.send({ op: 2, d: { token, properties: { os: 'linux', browser: 'test', device: 'test' }, ...extra } });
  }

  /** Identifies and resolves once READY and the GUILD_CREATEs have arrived. */
  async ready(token: string, extra: Record<string, unknown> = {}): Promise<Frame> {
    this.identify(token, extra);
    const ready = await this.waitFor((f) => f.t === 'READY');
    const guilds = (ready.d as { guilds: unknown[] }).guilds.length;
    await this.waitFor(() => this.dispatches('GUILD_CREATE').length >= guilds);
    return ready;
  }

  startHeartbeats(intervalMs: number): void {
    this.heartbeatTimer = setInterval(() => this.send({ op: 1, d: this.lastSeq() }), intervalMs);
  }

  stopHeartbeats(): void {
    if (this.heartbeatTimer !== undefined) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  lastSeq(): number | null {
    const seqs = this.frames.filter((f) => typeof f.s === 'number').map((f) => f.s as number);
    return seqs.length === 0 ? null : Math.max(...seqs);
  }

  dispatches(type?: string): Frame[] {
    return this.frames.filter((f) => f.op === 0 && (type === undefined || f.t === type));
  }

  async waitFor(predicate: (frame: Frame) => boolean, timeoutMs = 5_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(predicate);
      if (found !== undefined) return found;
      if (this.closeCode !== undefined)
        throw new Error(`socket closed (${this.closeCode} ${this.closeReason}) while waiting`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting; got ${this.frames.map((f) => f.t ?? f.op).join(',')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves with the close code (waits for the server to close). */
  closed(timeoutMs = 5_000): Promise<number> {
    return Promise.race([
      this.closedPromise,
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error('socket did not close')), timeoutMs)),
    ]);
  }

  close(code = 1000): void {
    this.stopHeartbeats();
    this.ws.close(code);
  }

  /** Drops the TCP connection without a close frame (a dead network). */
  terminate(): void {
    this.stopHeartbeats();
    this.ws.terminate();
  }

  /** Stops reading from the socket, as a stalled client would. */
  pauseReading(): void {
    this.ws.pause();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
