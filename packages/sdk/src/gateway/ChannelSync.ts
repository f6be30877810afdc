import type { Message, MessageDeleteEvent, SyncMessage } from '@concord/protocol';
import { backoffDelay, type BackoffOptions } from './backoff';
import { MemoryCursorStore, type CursorStore } from './CursorStore';
import { GatewayError } from './GatewayError';
import { deleteEventOf, fresher, isRefusal, isTombstone, tombstoneOf, type Held } from './heldMessages';

/** Reads a channel's messages with `seq > afterSeq`, ascending, tombstones included (`?after_seq=`). */
export type FetchMessagesAfter = (channelId: string, afterSeq: number, limit: number) => Promise<SyncMessage[]>;

export interface ChannelSyncOptions {
  fetchAfter: FetchMessagesAfter;
  /** Default: in memory. */
  cursors?: CursorStore;
  /** Each new message, once, in seq order per channel; awaited before the cursor moves past it. */
  onMessage(message: Message): void | Promise<void>;
  /** An edit of a message already given to `onMessage`. */
  onUpdate(message: Message): void;
  /** A deletion of a message already given to `onMessage`. */
  onDelete(event: MessageDeleteEvent): void;
  onError(error: GatewayError): void;
  /** REST page size (the server's maximum is 100). */
  pageSize?: number;
  /** Delays between gap-fill retries (default 250 ms growing to 5 s). */
  retry?: BackoffOptions;
  /** Pages that bring nothing new before giving up with SYNC_STALLED (default 8). */
  maxStalls?: number;
  /** Live events held per channel while a gap is filled; later ones are re-read from REST (default 1000). */
  maxHeldPerChannel?: number;
  random?: () => number;
}

type Input =
  | { kind: 'head'; seq: number }
  | { kind: 'create'; message: Message }
  | { kind: 'update'; message: Message }
  | { kind: 'delete'; event: MessageDeleteEvent };

interface ChannelState {
  readonly id: string;
  /** The last applied seq; undefined until decided (stored cursor, first head, or 0). */
  cursor: number | undefined;
  /** What the cursor store said, once it answered. */
  stored: number | undefined;
  loaded: boolean;
  /** Inputs that arrived while an async cursor store was being read. */
  backlog: Input[];
  /** The highest seq known to exist in the channel. */
  target: number;
  /** Messages and tombstones above the cursor, waiting for the ones before them. */
  held: Map<number, Held>;
  /** The seq being handed to `onMessage` right now (an async sink may take a while). */
  delivering: number | undefined;
  draining: boolean;
  forgotten: boolean;
}

/**
 * Per-channel sync cursors: turns the gateway's at-least-once, possibly reordered stream (the bus may
 * drop or repeat; a RESUME replays; a re-IDENTIFY skips) into exactly-once, in-order delivery per
 * channel, which is what invariants I2 and I3 ask of every device.
 *
 * - A seq at or below the cursor is a duplicate and is dropped.
 * - A seq above cursor+1 means a gap: the missing range is read from REST (`after_seq`, 100 at a
 *   time, until caught up) while later live messages are held, then everything is delivered in order.
 * - A channel's head (`last_seq` in READY, GUILD_CREATE, CHANNEL_CREATE/UPDATE) beyond the cursor
 *   triggers the same catch-up, which is how a device converges after INVALID_SESSION (I6).
 * - Tombstones (deleted messages) advance the cursor without being delivered.
 * - Edits and deletions of messages not yet delivered are folded into them, so the app never sees an
 *   update for a message it has not been given.
 *
 * A channel this device has no cursor for starts at the first head it hears of (it does not replay
 * history); if the first thing heard is a message (a DM or channel created after READY), it starts at
 * 0, so the first messages of a new channel are not lost to a dropped event.
 */
export class ChannelSync {
  private readonly channels = new Map<string, ChannelState>();
  private readonly cursors: CursorStore;
  private readonly wakers = new Set<() => void>();
  private idleWaiters: Array<() => void> = [];
  private busy = 0;
  private stopped = false;

  constructor(private readonly options: ChannelSyncOptions) {
    this.cursors = options.cursors ?? new MemoryCursorStore();
  }

  /** The channel's head seq, as announced by READY / GUILD_CREATE / CHANNEL_CREATE / CHANNEL_UPDATE. */
  observeHead(channelId: string, lastSeq: number): void {
    this.input(channelId, { kind: 'head', seq: lastSeq });
  }

  /** A MESSAGE_CREATE (live or replayed). */
  offer(message: Message): void {
    this.input(message.channel_id, { kind: 'create', message });
  }

  /** A MESSAGE_UPDATE carrying the whole message. */
  update(message: Message): void {
    this.input(message.channel_id, { kind: 'update', message });
  }

  /** A MESSAGE_DELETE (or one id of a MESSAGE_DELETE_BULK). */
  remove(event: MessageDeleteEvent): void {
    this.input(event.channel_id, { kind: 'delete', event });
  }

  /** Stops syncing a channel (deleted, or left); its stored cursor is kept. */
  forget(channelId: string): void {
    const channel = this.channels.get(channelId);
    if (channel === undefined) return;
    channel.forgotten = true;
    this.channels.delete(channelId);
  }

  /** The channel's cursor: the last seq delivered or skipped (undefined if not synced yet). */
  cursor(channelId: string): number | undefined {
    return this.channels.get(channelId)?.cursor;
  }

  /** Stops fetching and retrying (for `close()`); held messages stay for `start()`. */
  stop(): void {
    this.stopped = true;
    for (const wake of [...this.wakers]) wake();
  }

  start(): void {
    this.stopped = false;
    for (const channel of this.channels.values()) this.kick(channel);
  }

  /** Resolves once no channel is filling a gap or delivering (for tests and benchmarks). */
  idle(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private input(channelId: string, input: Input): void {
    const channel = this.channelState(channelId);
    if (channel.loaded) this.apply(channel, input);
    else if (channel.backlog.length < this.maxHeld) channel.backlog.push(input);
    else channel.target = Math.max(channel.target, seqOf(input));
  }

  private channelState(channelId: string): ChannelState {
    const existing = this.channels.get(channelId);
    if (existing !== undefined) return existing;
    const channel: ChannelState = {
      id: channelId,
      cursor: undefined,
      stored: undefined,
      loaded: false,
      backlog: [],
      target: 0,
      held: new Map(),
      delivering: undefined,
      draining: false,
      forgotten: false,
    };
    this.channels.set(channelId, channel);
    this.loadCursor(channel);
    return channel;
  }

  /** Reads the stored cursor; synchronously when the store is synchronous, so live delivery stays in the same tick. */
  private loadCursor(channel: ChannelState): void {
    const loaded = (stored: number | undefined): void => {
      channel.stored = stored;
      channel.loaded = true;
      const backlog = channel.backlog;
      channel.backlog = [];
      for (const input of backlog) this.apply(channel, input);
    };
    let stored: number | undefined | Promise<number | undefined>;
    try {
      stored = this.cursors.get(channel.id);
    } catch (error) {
      this.report('CURSOR_STORE_FAILED', channel.id, error);
      stored = undefined;
    }
    if (!(stored instanceof Promise)) return loaded(stored);
    this.busy++;
    stored
      .catch((error: unknown) => {
        this.report('CURSOR_STORE_FAILED', channel.id, error);
        return undefined;
      })
      .then(loaded)
      .finally(() => this.settle());
  }

  private apply(channel: ChannelState, input: Input): void {
    if (channel.forgotten) return;
    if (channel.cursor === undefined) {
      channel.cursor = channel.stored ?? (input.kind === 'head' ? input.seq : 0);
      // Remember the starting point, so a restart before the first message does not skip ahead.
      if (channel.stored === undefined) void this.saveCursor(channel);
    }
    const cursor = channel.cursor;
    const seq = seqOf(input);
    switch (input.kind) {
      case 'head':
        break;
      case 'create':
        if (seq <= cursor || seq === channel.delivering) return;
        this.hold(channel, input.message);
        break;
      case 'update':
        if (seq <= cursor) return this.options.onUpdate(input.message);
        this.hold(channel, input.message);
        break;
      case 'delete':
        if (seq <= cursor) return this.options.onDelete(input.event);
        this.hold(channel, { ...input.event, deleted: true });
        break;
    }
    channel.target = Math.max(channel.target, seq);
    this.kick(channel);
  }

  /**
   * Keeps a message (or tombstone) until its turn. Live events beyond the cap are dropped, not lost:
   * `target` still covers them, so they are read from REST; pages from REST are always kept.
   */
  private hold(channel: ChannelState, entry: Held, fromRest = false): void {
    const current = channel.held.get(entry.seq);
    if (current === undefined && !fromRest && channel.held.size >= this.maxHeld) return;
    channel.held.set(entry.seq, fresher(current, entry));
  }

  private kick(channel: ChannelState): void {
    if (channel.draining || this.stopped || channel.forgotten || !channel.loaded) return;
    channel.draining = true;
    this.busy++;
    void this.drain(channel).finally(() => this.settle());
  }

  /** Delivers what is contiguous, fetching missing ranges until the cursor reaches the known head. */
  private async drain(channel: ChannelState): Promise<void> {
    try {
      let failures = 0;
      let stalls = 0;
      for (;;) {
        // Only awaited when the sink or the cursor store is async, so live in-order messages are
        // delivered in the same tick they arrive.
        const delivering = this.deliverContiguous(channel);
        if (delivering !== undefined) {
          await delivering;
          continue;
        }
        if (this.stopped || channel.forgotten) return;
        const cursor = channel.cursor ?? 0;
        if (cursor >= channel.target) return;
        let page: SyncMessage[];
        try {
          page = await this.options.fetchAfter(channel.id, cursor, this.options.pageSize ?? 100);
        } catch (error) {
          if (isRefusal(error)) {
            this.forget(channel.id);
            return this.report('SYNC_FETCH_FAILED', channel.id, error);
          }
          // Network trouble or a 5xx: keep trying (capped), so the device converges once it heals.
          await this.pause(backoffDelay(failures++, this.retryOptions, this.options.random));
          continue;
        }
        failures = 0;
        for (const message of page) {
          if (message.seq <= (channel.cursor ?? 0)) continue;
          this.hold(channel, message.deleted === true ? tombstoneOf(message) : message, true);
          channel.target = Math.max(channel.target, message.seq);
        }
        const before = channel.cursor;
        await this.deliverContiguous(channel);
        if (channel.cursor !== before) {
          stalls = 0;
          continue;
        }
        if (++stalls >= (this.options.maxStalls ?? 8)) {
          return this.report('SYNC_STALLED', channel.id, undefined, `seq ${(channel.cursor ?? 0) + 1} never arrived`);
        }
        await this.pause(backoffDelay(stalls - 1, this.retryOptions, this.options.random));
      }
    } finally {
      // In `finally`, synchronously with the last check, so an input arriving now starts a new drain.
      channel.draining = false;
    }
  }

  /**
   * Hands over held messages while the next seq is there. Synchronous (returns undefined) as long
   * as the sink and the cursor store are; otherwise a promise for the rest of the run.
   */
  private deliverContiguous(channel: ChannelState): Promise<void> | undefined {
    for (;;) {
      if (this.stopped || channel.forgotten || channel.cursor === undefined) return undefined;
      const seq = channel.cursor + 1;
      const next = channel.held.get(seq);
      if (next === undefined) return undefined;
      channel.held.delete(seq);
      const sinking = isTombstone(next) ? undefined : this.sink(channel, next);
      if (sinking !== undefined) {
        return sinking.then(() => this.afterDelivery(channel, next)).then(() => this.deliverContiguous(channel));
      }
      const saving = this.afterDelivery(channel, next);
      if (saving !== undefined) return saving.then(() => this.deliverContiguous(channel));
    }
  }

  private sink(channel: ChannelState, message: Message): Promise<void> | undefined {
    channel.delivering = message.seq;
    let result: void | Promise<void> = undefined;
    try {
      result = this.options.onMessage(message);
    } catch (error) {
      this.report('DELIVERY_FAILED', channel.id, error);
    }
    if (!(result instanceof Promise)) {
      channel.delivering = undefined;
      return undefined;
    }
    return result
      .catch((error: unknown) => this.report('DELIVERY_FAILED', channel.id, error))
      .finally(() => (channel.delivering = undefined));
  }

  /** Moves the cursor past `entry`, then passes on an edit or deletion that came in while an async sink had it. */
  private afterDelivery(channel: ChannelState, entry: Held): Promise<void> | undefined {
    channel.cursor = entry.seq;
    const late = channel.held.get(entry.seq);
    if (late !== undefined) {
      channel.held.delete(entry.seq);
      if (!isTombstone(entry)) {
        if (isTombstone(late)) this.options.onDelete(deleteEventOf(late));
        else this.options.onUpdate(late);
      }
    }
    return this.saveCursor(channel);
  }

  private saveCursor(channel: ChannelState): Promise<void> | undefined {
    if (channel.cursor === undefined) return undefined;
    let result: void | Promise<void> = undefined;
    try {
      result = this.cursors.set(channel.id, channel.cursor);
    } catch (error) {
      this.report('CURSOR_STORE_FAILED', channel.id, error);
    }
    if (!(result instanceof Promise)) return undefined;
    return result.catch((error: unknown) => this.report('CURSOR_STORE_FAILED', channel.id, error));
  }

  /** Waits `ms`, or less if `stop()` is called. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  private settle(): void {
    this.busy--;
    if (this.busy > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private report(code: GatewayError['code'], channelId: string, cause: unknown, detail?: string): void {
    const message = `channel ${channelId}: ${detail ?? (cause instanceof Error ? cause.message : code)}`;
    this.options.onError(new GatewayError(code, message, { channelId, cause }));
  }

  private get maxHeld(): number {
    return this.options.maxHeldPerChannel ?? 1000;
  }

  private get retryOptions(): BackoffOptions {
    return this.options.retry ?? { baseMs: 250, maxMs: 5000 };
  }
}

function seqOf(input: Input): number {
  switch (input.kind) {
    case 'head':
      return input.seq;
    case 'create':
    case 'update':
      return input.message.seq;
    case 'delete':
      return input.event.seq;
  }
}
