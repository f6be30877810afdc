import WebSocket from 'ws';
import { dispatchSequence, isMessageCreate, messageFields } from './frames';
import { nowUs } from './histogram';
import { SessionRecord, type StepLedger } from './ledger';
import type { SessionSpec } from './protocol';

export type SessionOutcome = 'ready' | 'resumed' | 'reidentified';

interface SessionContext {
  ledger: StepLedger;
  closedUnexpectedly(key: number, code: number): void;
}

const OP_DISPATCH = 48; // '0' as the first digit after {"op":

/**
 * One gateway session of the load generator, speaking just enough of the protocol: HELLO,
 * IDENTIFY or RESUME, READY/RESUMED, INVALID_SESSION (identify again), heartbeats, and the
 * MESSAGE_CREATE fast path. It holds no parsed objects per message: only what the ledger needs.
 */
export class LeanSession {
  readonly record: SessionRecord;
  state: 'idle' | 'connecting' | 'ready' | 'dropped' | 'closed' = 'idle';
  sessionId: string | null = null;
  /** READY's `resume_gateway_url`: a RESUME must reach the node that holds the session, as on Discord. */
  resumeUrl: string | null = null;
  s = 0;
  heartbeatIntervalMs = 0;
  nextHeartbeatAt = 0;
  /** During a storm: the messages this session still has to receive before it counts as caught up. */
  pending: Map<string, Set<number>> | null = null;
  caughtUpUs = 0;
  private ws: WebSocket | null = null;
  private waiter: { resolve: (o: SessionOutcome) => void; reject: (e: Error) => void } | null = null;
  private reidentifying = false;

  constructor(
    readonly spec: SessionSpec,
    private readonly context: SessionContext,
  ) {
    this.record = new SessionRecord(new Set(spec.channels));
  }

  /** Opens a socket and identifies (or resumes, when asked and a session id is known). */
  connect(url: string, resume: boolean, announceChannels: boolean, timeoutMs: number): Promise<SessionOutcome> {
    this.state = 'connecting';
    this.reidentifying = false;
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    this.ws = ws;
    const outcome = new Promise<SessionOutcome>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`session ${this.spec.key}: no READY in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiter = {
        resolve: (o) => {
          clearTimeout(timer);
          resolve(o);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
    ws.on('message', (data: Buffer) => this.onFrame(data, resume, announceChannels));
    ws.on('error', (error) => {
      if (this.ws === ws) this.settle(undefined, error);
    });
    ws.on('close', (code) => {
      // A socket this session already replaced (a drop, then a reconnect) no longer speaks for it.
      if (this.ws !== ws) return;
      const wasReady = this.state === 'ready';
      if (this.state !== 'dropped') this.state = 'closed';
      this.settle(undefined, new Error(`session ${this.spec.key}: closed with ${code}`));
      if (wasReady) this.context.closedUnexpectedly(this.spec.key, code);
    });
    return outcome;
  }

  heartbeat(now: number): void {
    if (this.state !== 'ready' || now < this.nextHeartbeatAt) return;
    this.nextHeartbeatAt = now + this.heartbeatIntervalMs;
    this.ws?.send(`{"op":1,"d":${this.s}}`);
  }

  /** A clean close: the server ends the session (code 1000). */
  close(): void {
    this.state = 'closed';
    this.ws?.close(1000, 'bench done');
  }

  /** A dropped network: the socket is destroyed without a close frame; the session stays resumable. */
  drop(): void {
    this.state = 'dropped';
    this.ws?.terminate();
  }

  private onFrame(data: Buffer, resume: boolean, announceChannels: boolean): void {
    // {"op":0,... — a dispatch; message creates take the fast path.
    if (data[6] === OP_DISPATCH && data[7] === 44 /* , */) {
      if (isMessageCreate(data)) {
        const fields = messageFields(data);
        if (fields === undefined) return;
        this.s = fields.s;
        this.deliver(fields.channelId, fields.seq, fields.sentUs);
        return;
      }
      this.s = dispatchSequence(data);
      const text = data.toString('utf8');
      if (text.startsWith('{"op":0,"t":"READY"')) {
        const ready = JSON.parse(text) as { d: { session_id: string; resume_gateway_url?: string } };
        this.sessionId = ready.d.session_id;
        this.resumeUrl = ready.d.resume_gateway_url ?? null;
        this.state = 'ready';
        this.settle(this.reidentifying ? 'reidentified' : 'ready');
      } else if (text.startsWith('{"op":0,"t":"RESUMED"')) {
        this.state = 'ready';
        this.settle('resumed');
      }
      return;
    }
    const frame = JSON.parse(data.toString('utf8')) as { op: number; d: unknown };
    switch (frame.op) {
      case 10: {
        const { heartbeat_interval } = frame.d as { heartbeat_interval: number };
        this.heartbeatIntervalMs = heartbeat_interval;
        this.nextHeartbeatAt = Date.now() + Math.random() * heartbeat_interval;
        if (resume && this.sessionId !== null) {
          this.send({ op: 6, d: { token: this.spec.token, session_id: this.sessionId, seq: this.s } });
        } else this.identify(announceChannels);
        return;
      }
      case 9:
        // INVALID_SESSION: the session is gone; identify again and catch up by seq.
        this.reidentifying = true;
        this.s = 0;
        this.identify(announceChannels);
        return;
      default:
        return; // HEARTBEAT_ACK, RECONNECT (not expected here)
    }
  }

  deliver(channelId: string, seq: number, sentUs: number): void {
    this.context.ledger.deliver(this.record, this.spec.key, channelId, seq, sentUs);
    const pending = this.pending;
    if (pending === null) return;
    const wanted = pending.get(channelId);
    if (wanted === undefined || !wanted.delete(seq) || wanted.size > 0) return;
    pending.delete(channelId);
    if (pending.size === 0) {
      this.pending = null;
      this.caughtUpUs = nowUs();
    }
  }

  private identify(announceChannels: boolean): void {
    const d: Record<string, unknown> = {
      token: this.spec.token,
      properties: { os: 'linux', browser: 'concord-bench', device: 'concord-bench' },
    };
    if (announceChannels) d.bench_channels = this.spec.channels;
    this.send({ op: 2, d });
  }

  private send(payload: unknown): void {
    this.ws?.send(JSON.stringify(payload));
  }

  private settle(outcome: SessionOutcome | undefined, error?: Error): void {
    const waiter = this.waiter;
    if (waiter === null) return;
    this.waiter = null;
    if (outcome !== undefined) waiter.resolve(outcome);
    else waiter.reject(error ?? new Error('session failed'));
  }
}
