import {
  GatewayOpcode,
  NON_RECONNECTABLE_CLOSE_CODES,
  NON_RESUMABLE_CLOSE_CODES,
  type GatewayFrame,
  type IdentifyData,
  type PresenceUpdateData,
  type ReadyData,
  type RequestGuildMembersData,
  type SyncMessage,
} from '@concord/protocol';
import { backoffDelay, jitterBetween } from './backoff';
import { ChannelSync } from './ChannelSync';
import { ClientCache, type Dispatch } from './ClientCache';
import { feedSync } from './dispatchToSync';
import type { GatewayEvents, GatewayState } from './events';
import type { GatewayClientOptions } from './GatewayClientOptions';
import { GatewayError } from './GatewayError';
import { GatewaySocket, gatewayUrl } from './GatewaySocket';
import { defaultProperties, gatewayToken, presencePayload } from './handshake';
import { Heartbeater } from './Heartbeater';
import { globalWebSocket } from './WebSocketLike';
import { TypedEmitter } from './TypedEmitter';

export type { GatewayClientOptions } from './GatewayClientOptions';

/** Close code for connections the client drops to resume later: anything but 1000/1001, which end the session. */
const RESUMABLE_CLOSE = 4000;
/** Attempts in a row that could not reach the resume URL before the client asks discovery instead. */
const RESUME_URL_ATTEMPTS = 2;
const DEFAULT_HEARTBEAT_MS = 41_250;

interface Waiter {
  resolve(ready: ReadyData): void;
  reject(error: GatewayError): void;
}

/**
 * A client of Concord's Discord-v10-shaped gateway: connects, identifies or resumes, heartbeats and
 * detects zombie connections, reconnects with capped jittered backoff, and follows Discord's close
 * codes. On top of the raw dispatches (`gw.on('MESSAGE_CREATE', …)`), it keeps a `cache` of what the
 * gateway said and, through `ChannelSync`, delivers messages exactly once and in order per channel
 * (`gw.on('message', …)`), filling gaps from REST.
 *
 * ```ts
 * const gw = new GatewayClient({ api, token, intents, deviceId, WebSocket });
 * gw.on('message', (m) => render(m));
 * await gw.connect();
 * gw.setPresence({ status: 'idle' });
 * await gw.close();
 * ```
 */
export class GatewayClient extends TypedEmitter<GatewayEvents> {
  readonly cache = new ClientCache();
  /** Undefined when constructed with `sync: false`. */
  readonly sync: ChannelSync | undefined;
  private currentState: GatewayState = 'idle';
  private socket: GatewaySocket | undefined;
  private heartbeater: Heartbeater | undefined;
  private sessionId: string | undefined;
  private resumeUrl: string | undefined;
  private seq: number | null = null;
  private lastReady: ReadyData | undefined;
  private presence: PresenceUpdateData | undefined;
  private discoveredUrl: string | undefined;
  /** Whether the current socket was opened to the resume URL, and has had its HELLO. */
  private dialedResumeUrl = false;
  private helloReceived = false;
  /** Connections to the resume URL that ended before HELLO, in a row. */
  private resumeUrlMisses = 0;
  /** A presence set while no session could take it: sent once one is live. */
  private presenceUnsent = false;
  private attempts = 0;
  /** Bumped by `close()`, so work started for an earlier run gives up. */
  private epoch = 0;
  /** After INVALID_SESSION, no new session before this time (Discord's 1–5 s). */
  private notBefore = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  private invalidSessionTimer: ReturnType<typeof setTimeout> | undefined;
  private waiters: Waiter[] = [];

  constructor(private readonly options: GatewayClientOptions) {
    super((error, event) => this.listenerFailed(error, event));
    this.presence = options.presence;
    this.sync =
      options.sync === false
        ? undefined
        : new ChannelSync({
            fetchAfter: (channelId, afterSeq, limit) =>
              options.api.messages(channelId, { after_seq: afterSeq, limit }) as Promise<SyncMessage[]>,
            cursors: options.cursors,
            onMessage: (message) => this.emit('message', message),
            onUpdate: (message) => this.emit('messageUpdate', message),
            onDelete: (event) => this.emit('messageDelete', event),
            onError: (error) => this.emit('error', error),
            retry: options.syncRetry,
            random: options.random,
          });
  }

  get state(): GatewayState {
    return this.currentState;
  }

  /** The live session's id (undefined before READY or after the session ended). */
  get session(): { id: string; seq: number | null } | undefined {
    return this.sessionId === undefined ? undefined : { id: this.sessionId, seq: this.seq };
  }

  /** Round trip of the last acknowledged heartbeat, in ms. */
  get latencyMs(): number | undefined {
    return this.heartbeater?.latencyMs;
  }

  /**
   * Connects (if not already) and resolves with READY. Keeps reconnecting through network failures;
   * rejects only on a fatal close code (`FATAL_CLOSE`), or `close()` (`CLIENT_CLOSED`).
   */
  connect(): Promise<ReadyData> {
    if (this.currentState === 'ready' && this.lastReady !== undefined) return Promise.resolve(this.lastReady);
    const ready = new Promise<ReadyData>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.currentState === 'idle' || this.currentState === 'closed') {
      this.sync?.start();
      void this.open();
    }
    return ready;
  }

  /**
   * Closes with 1000, which ends the session on the server (presence goes offline at once), and stops
   * reconnecting and gap-filling. Cursors stay; `connect()` starts a fresh session.
   */
  async close(): Promise<void> {
    const socket = this.socket;
    this.epoch++;
    this.setState('closed');
    this.teardownConnection();
    this.clearTimer('reconnectTimer');
    this.sync?.stop();
    this.resetSession();
    this.rejectWaiters(new GatewayError('CLIENT_CLOSED', 'the client was closed'));
    if (socket === undefined) return;
    await socket.closeGracefully(1000, 'client closed', 1000);
    this.emit('disconnect', { code: 1000, reason: 'client closed', willReconnect: false });
  }

  /** Sets this session's presence (op 3); remembered for later identifies. Returns whether it was sent now. */
  setPresence(presence: PresenceUpdateData): boolean {
    this.presence = presence;
    const sent = this.send(GatewayOpcode.PRESENCE_UPDATE, presencePayload(presence));
    this.presenceUnsent = !sent;
    return sent;
  }

  /** Asks for a guild's members (op 8); they arrive as GUILD_MEMBERS_CHUNK dispatches. */
  requestGuildMembers(request: RequestGuildMembersData): boolean {
    return this.send(GatewayOpcode.REQUEST_GUILD_MEMBERS, request);
  }

  private send(op: number, d: unknown): boolean {
    return this.currentState === 'ready' && this.socket !== undefined && this.socket.send({ op, d });
  }

  private async open(): Promise<void> {
    const epoch = this.epoch;
    this.setState('connecting');
    const WebSocketImpl = this.options.WebSocket ?? globalWebSocket();
    if (WebSocketImpl === undefined) {
      return this.fail(new GatewayError('NO_WEBSOCKET', 'no WebSocket: pass `WebSocket` (e.g. from "ws") in Node 20'));
    }
    let url: string;
    try {
      url = await this.resolveUrl();
    } catch (error) {
      if (epoch !== this.epoch) return;
      this.emit('error', new GatewayError('GATEWAY_URL_FAILED', 'GET /gateway failed', { cause: error }));
      return this.scheduleReconnect('gateway-url');
    }
    if (epoch !== this.epoch) return;
    let socket: GatewaySocket;
    try {
      socket = new GatewaySocket(WebSocketImpl, gatewayUrl(url), {
        onFrame: (frame) => this.onFrame(frame),
        onClose: (code, reason) => this.onSocketClose(socket, code, reason),
        onBadFrame: (text) => this.emit('debug', `ignored a frame that is not gateway JSON: ${text.slice(0, 100)}`),
      });
    } catch (error) {
      // A bad resume URL must not keep the client away: the next attempt asks discovery.
      this.resumeUrl = undefined;
      this.emit('debug', `could not open ${url}: ${String(error)}`);
      return this.scheduleReconnect('socket-failed');
    }
    this.socket = socket;
    this.dialedResumeUrl = url === this.resumeUrl;
    this.helloReceived = false;
    this.armHandshakeTimer();
  }

  /** Resume where the session lives; otherwise ask discovery for the least-loaded node each time. */
  private async resolveUrl(): Promise<string> {
    if (this.sessionId !== undefined && this.resumeUrl !== undefined) return this.resumeUrl;
    if (this.options.url !== undefined) return this.options.url;
    try {
      const { url } = await this.options.api.rest.get<{ url: string }>('/gateway');
      this.discoveredUrl = url;
      return url;
    } catch (error) {
      if (this.discoveredUrl !== undefined) return this.discoveredUrl;
      throw error;
    }
  }

  private onFrame(frame: GatewayFrame): void {
    if (this.currentState !== 'ready') this.armHandshakeTimer();
    switch (frame.op) {
      case GatewayOpcode.HELLO:
        return this.onHello(frame.d);
      case GatewayOpcode.HEARTBEAT:
        return this.heartbeater?.beatNow();
      case GatewayOpcode.HEARTBEAT_ACK:
        return this.heartbeater?.ack();
      case GatewayOpcode.DISPATCH:
        return this.onDispatch(frame);
      case GatewayOpcode.RECONNECT:
        return this.dropConnection('reconnect-requested', true);
      case GatewayOpcode.INVALID_SESSION:
        return this.onInvalidSession(frame.d === true);
      default:
        this.emit('debug', `ignored op ${frame.op}`);
    }
  }

  private onHello(d: unknown): void {
    this.helloReceived = true;
    if (this.dialedResumeUrl) this.resumeUrlMisses = 0;
    const interval = (d as { heartbeat_interval?: unknown } | null)?.heartbeat_interval;
    this.heartbeater?.stop();
    this.heartbeater = new Heartbeater({
      intervalMs: typeof interval === 'number' && interval > 0 ? interval : DEFAULT_HEARTBEAT_MS,
      beat: () => this.socket?.send({ op: GatewayOpcode.HEARTBEAT, d: this.seq }),
      onZombie: () => this.dropConnection('zombie', false),
      random: this.options.random,
    });
    this.heartbeater.start();
    this.sendHandshake();
  }

  private sendHandshake(): void {
    const token = gatewayToken(this.options.token);
    if (this.sessionId !== undefined) {
      this.setState('resuming');
      this.socket?.send({ op: GatewayOpcode.RESUME, d: { token, session_id: this.sessionId, seq: this.seq } });
      return;
    }
    this.setState('identifying');
    const identify: IdentifyData = { token, properties: this.options.properties ?? defaultProperties() };
    if (this.options.intents !== undefined) identify.intents = this.options.intents;
    if (this.presence !== undefined) identify.presence = presencePayload(this.presence);
    this.presenceUnsent = false;
    if (this.options.deviceId !== undefined) identify.device_id = this.options.deviceId;
    this.socket?.send({ op: GatewayOpcode.IDENTIFY, d: identify });
  }

  private onDispatch(frame: GatewayFrame): void {
    if (typeof frame.s === 'number') this.seq = frame.s;
    if (typeof frame.t !== 'string') return;
    // The server is trusted to send what its event name says; this is where the wire becomes typed.
    const dispatch = { t: frame.t, d: frame.d } as Dispatch;
    if (dispatch.t === 'READY') this.onReady(dispatch.d);
    if (dispatch.t === 'RESUMED') this.onSessionLive();
    // Channels of a deleted guild must be known before the cache forgets them.
    const goneChannels = dispatch.t === 'GUILD_DELETE' ? this.cache.guildChannelIds(dispatch.d.id) : [];
    this.cache.apply(dispatch);
    this.emit(dispatch.t, dispatch.d as never);
    this.emit('dispatch', { t: frame.t, s: frame.s ?? null, d: frame.d });
    if (dispatch.t === 'READY') {
      this.emit('ready', dispatch.d);
      this.resolveWaiters(dispatch.d);
    }
    if (dispatch.t === 'RESUMED') {
      this.emit('resumed', dispatch.d);
      // `connect()` called while reconnecting waits for the session to be live again, however it gets there.
      if (this.lastReady !== undefined) this.resolveWaiters(this.lastReady);
    }
    if (this.sync !== undefined) feedSync(this.sync, dispatch, goneChannels);
  }

  private onReady(ready: ReadyData): void {
    this.sessionId = ready.session_id;
    // Empty when the server has no better place to resume than where discovery points.
    this.resumeUrl = ready.resume_gateway_url === '' ? undefined : ready.resume_gateway_url;
    this.lastReady = ready;
    this.onSessionLive();
  }

  private onSessionLive(): void {
    this.attempts = 0;
    this.clearTimer('handshakeTimer');
    this.setState('ready');
    // A RESUME keeps the server's old presence; one changed while disconnected goes out now.
    if (this.presenceUnsent && this.presence !== undefined) this.setPresence(this.presence);
  }

  /**
   * Discord: wait 1–5 s, then IDENTIFY (or RESUME when `d` is true) on the same socket. If the server
   * closes the socket meanwhile, the reconnect path honours the same wait through `notBefore`.
   */
  private onInvalidSession(resumable: boolean): void {
    if (!resumable) this.resetSession();
    this.clearTimer('handshakeTimer');
    const [min, max] = this.options.invalidSessionDelayMs ?? [1000, 5000];
    const delay = jitterBetween(min, max, this.options.random);
    this.notBefore = Date.now() + delay;
    const socket = this.socket;
    this.emit('debug', `invalid session (resumable: ${resumable}); new handshake in ${delay} ms`);
    this.invalidSessionTimer = setTimeout(() => {
      this.invalidSessionTimer = undefined;
      if (socket === undefined || socket !== this.socket || !socket.isOpen) return;
      this.sendHandshake();
      this.armHandshakeTimer();
    }, delay);
  }

  /** The client gives up on this connection (zombie, RECONNECT, timeout) and reconnects to resume. */
  private dropConnection(reason: string, immediately: boolean): void {
    const socket = this.socket;
    // A resume URL that accepts the connection but never says HELLO is as unreachable as a closed one.
    if (this.dialedResumeUrl && !this.helloReceived) this.missedResumeUrl();
    this.teardownConnection();
    socket?.abandon(RESUMABLE_CLOSE, reason);
    this.emit('disconnect', { code: RESUMABLE_CLOSE, reason, willReconnect: true });
    this.scheduleReconnect(reason, immediately);
  }

  private onSocketClose(socket: GatewaySocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.teardownConnection();
    if (this.currentState === 'closed') return;
    if (NON_RECONNECTABLE_CLOSE_CODES.has(code)) {
      this.emit('disconnect', { code, reason, willReconnect: false });
      const message = `the gateway closed with ${code}${reason === '' ? '' : ` (${reason})`}; not reconnecting`;
      return this.fail(new GatewayError('FATAL_CLOSE', message, { closeCode: code }));
    }
    if (NON_RESUMABLE_CLOSE_CODES.has(code)) this.resetSession();
    if (this.dialedResumeUrl && !this.helloReceived) this.missedResumeUrl();
    this.emit('disconnect', { code, reason, willReconnect: true });
    this.scheduleReconnect(`close ${code}`);
  }

  /**
   * The node holding the session did not answer (it crashed, or is draining and refuses new
   * sockets). A session lives on one node only, so after a few misses the client asks discovery
   * for a live node instead of waiting for that one; the RESUME there fails and it identifies anew,
   * catching up by seq.
   */
  private missedResumeUrl(): void {
    this.resumeUrlMisses += 1;
    if (this.resumeUrlMisses < RESUME_URL_ATTEMPTS) return;
    this.emit('debug', `the resume URL did not answer ${this.resumeUrlMisses} times; asking discovery`);
    this.resumeUrl = undefined;
    this.resumeUrlMisses = 0;
  }

  private scheduleReconnect(reason: string, immediately = false): void {
    const attempt = this.attempts++;
    const backoff = immediately ? 0 : backoffDelay(attempt, this.options.reconnectBackoff, this.options.random);
    const delayMs = Math.max(backoff, this.notBefore - Date.now());
    this.setState('reconnecting');
    this.emit('reconnecting', { attempt, delayMs, resume: this.sessionId !== undefined, reason });
    this.clearTimer('reconnectTimer');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.open();
    }, delayMs);
  }

  /** A connection that makes no progress before READY/RESUMED is dropped (a half-open TCP, a stuck node). */
  private armHandshakeTimer(): void {
    this.clearTimer('handshakeTimer');
    this.handshakeTimer = setTimeout(
      () => this.dropConnection('handshake-timeout', false),
      this.options.handshakeTimeoutMs ?? 30_000,
    );
  }

  private teardownConnection(): void {
    this.heartbeater?.stop();
    this.heartbeater = undefined;
    this.clearTimer('handshakeTimer');
    this.clearTimer('invalidSessionTimer');
    this.socket = undefined;
  }

  private resetSession(): void {
    this.sessionId = undefined;
    this.resumeUrl = undefined;
    this.resumeUrlMisses = 0;
    this.seq = null;
  }

  private fail(error: GatewayError): void {
    this.epoch++;
    this.clearTimer('reconnectTimer');
    this.setState('closed');
    this.sync?.stop();
    this.resetSession();
    this.emit('error', error);
    this.rejectWaiters(error);
  }

  private clearTimer(name: 'reconnectTimer' | 'handshakeTimer' | 'invalidSessionTimer'): void {
    const timer = this[name];
    if (timer !== undefined) clearTimeout(timer);
    this[name] = undefined;
  }

  private setState(to: GatewayState): void {
    const from = this.currentState;
    if (from === to) return;
    this.currentState = to;
    this.emit('stateChange', { from, to });
  }

  private resolveWaiters(ready: ReadyData): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.resolve(ready);
  }

  private rejectWaiters(error: GatewayError): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  private listenerFailed(error: unknown, event: keyof GatewayEvents): void {
    if (event === 'error') {
      // An error listener that throws has nowhere left to report to.
      console.error('GatewayClient: an error listener threw', error);
      return;
    }
    const message = `a listener of ${String(event)} threw: ${error instanceof Error ? error.message : String(error)}`;
    this.emit('error', new GatewayError('LISTENER_FAILED', message, { cause: error }));
  }
}
