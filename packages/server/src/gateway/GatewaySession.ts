import { GatewayCloseCode, GatewayOpcode } from '@concord/protocol';
import type { ClientKind, SessionStatus } from '../presence/PresenceStore';
import type { Activity } from '@concord/protocol';
import type { Connection } from './Connection';
import { ResumeBuffer } from './ResumeBuffer';

export interface SessionIdentity {
  id: string;
  userId: string;
  bot: boolean;
  /** The auth session (token) this gateway session was opened with; revoking it closes us. */
  authSessionId: string;
  intents: number;
  shard: readonly [number, number];
  deviceId: string | null;
  clientKind: ClientKind;
}

export interface SessionPresenceState {
  status: SessionStatus;
  activities: Activity[];
}

const RESUMED_PREFIX = Buffer.from('{"op":0,"t":"RESUMED","d":{},"s":');
const SLOW_CONSUMER_GRACE_MS = 1_000;

/**
 * A gateway session: survives its socket for the resume window. It numbers its dispatches (`s`),
 * keeps them for RESUME, and holds back everything that arrives before READY has gone out, so a
 * client never sees an event before the snapshot it belongs after.
 */
export class GatewaySession {
  private s = 0;
  private readonly buffer: ResumeBuffer;
  private connection: Connection | null = null;
  private ready = false;
  private pending: Buffer[] = [];
  /** false once the resume buffer lost something the client may need, or the session ended. */
  private resumable = true;
  detachedAt: number | null = null;
  readonly guildIds = new Set<string>();
  /** Users this user shares a DM or group DM with: they see this user's presence. */
  readonly partnerIds = new Set<string>();
  presence: SessionPresenceState;

  constructor(
    readonly identity: SessionIdentity,
    presence: SessionPresenceState,
    limits: { resumeBufferEvents: number; resumeBufferBytes: number },
    private readonly maxBufferedBytes: number,
  ) {
    this.presence = presence;
    this.buffer = new ResumeBuffer(limits.resumeBufferEvents, limits.resumeBufferBytes);
  }

  get id(): string {
    return this.identity.id;
  }

  get userId(): string {
    return this.identity.userId;
  }

  get lastSequence(): number {
    return this.s;
  }

  get isAttached(): boolean {
    return this.connection !== null;
  }

  get canResume(): boolean {
    return this.resumable;
  }

  attach(connection: Connection): void {
    this.connection = connection;
    this.detachedAt = null;
  }

  /** The socket went away; the session waits for a RESUME until the resume window ends. */
  detach(now: number): void {
    this.connection = null;
    this.detachedAt = now;
  }

  /** Ends the session for good: nothing can resume it. */
  invalidate(): void {
    this.resumable = false;
    this.pending = [];
  }

  /**
   * Sends READY-time dispatches (READY, GUILD_CREATE…) then what was held back meanwhile. The
   * snapshot is not kept for RESUME: it is most of an idle session's memory, and a client that lost
   * part of it has to identify again anyway to get a consistent picture.
   */
  sendSnapshot(frames: Buffer[]): void {
    for (const frame of frames) this.emit(frame, false);
    this.ready = true;
    const held = this.pending;
    this.pending = [];
    for (const frame of held) this.emit(frame);
  }

  /** A heartbeat said the client has every dispatch up to `seq`: the resume buffer need not keep them. */
  acknowledge(seq: number): void {
    this.buffer.release(Math.min(seq, this.s));
  }

  /** One dispatch for this session (already filtered for intents and visibility). */
  dispatch(prefix: Buffer): void {
    if (!this.resumable) return;
    if (!this.ready) {
      this.pending.push(prefix);
      return;
    }
    this.emit(prefix);
  }

  /** RESUME: replays what the client missed after `seq`, or returns false when that is impossible. */
  resume(connection: Connection, seq: number): boolean {
    if (!this.resumable || !this.ready) return false;
    const missed = this.buffer.after(seq, this.s);
    if (missed === undefined) return false;
    this.attach(connection);
    for (const entry of missed) connection.sendDispatch(entry.frame, entry.s);
    // RESUMED takes the next `s` but is not kept: a later resume must not replay an old RESUMED.
    this.s += 1;
    connection.sendDispatch(RESUMED_PREFIX, this.s);
    this.cutIfSlow(connection);
    return true;
  }

  sendOp(op: number, d: unknown): void {
    this.connection?.sendText(JSON.stringify({ op, d }));
  }

  /** Asks the client to reconnect (and resume) elsewhere. */
  requestReconnect(): void {
    this.sendOp(GatewayOpcode.RECONNECT, null);
  }

  close(code: number, reason: string): void {
    this.connection?.close(code, reason);
  }

  private emit(prefix: Buffer, keep = true): void {
    this.s += 1;
    if (keep) this.buffer.push(this.s, prefix);
    else this.buffer.skip(this.s);
    const connection = this.connection;
    if (connection === null) return;
    connection.sendDispatch(prefix, this.s);
    this.cutIfSlow(connection);
  }

  /**
   * A client that does not read would make us buffer without bound: cut it loose; it can resume
   * from the resume buffer, which is bounded too. The close frame waits behind the unread bytes, so
   * the socket is dropped outright if the client has not gone after a short grace.
   */
  private cutIfSlow(connection: Connection): void {
    if (connection.bufferedAmount <= this.maxBufferedBytes) return;
    connection.close(GatewayCloseCode.SLOW_CONSUMER, 'slow consumer: resume to continue');
    setTimeout(() => connection.terminate(), SLOW_CONSUMER_GRACE_MS).unref();
  }
}
