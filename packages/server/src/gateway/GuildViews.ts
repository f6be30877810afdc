import { BusSubject } from '../bus/Bus';
import type { Store } from '../stores/ports';
import type { MemberRecord } from '../stores/records';
import type { Envelope } from './EventEnvelope';
import { GuildView } from './GuildView';
import type { SubscriptionSet } from './SubscriptionSet';

interface Entry {
  /** Sessions on this node that follow the guild. */
  refs: number;
  view: GuildView | undefined;
  /** Events that arrived while the view was loading, applied in order once it is there. */
  queued: Envelope[] | undefined;
  /** Members to track as soon as the view exists (before queued events are applied). */
  pendingMembers: MemberRecord[];
  loading: Promise<GuildView | undefined>;
}

/**
 * The guild views of this node, one per guild that has a local session, each with its bus
 * subscription. Events of a guild whose view is still loading wait in order.
 */
export class GuildViews {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: Store,
    private readonly subscriptions: SubscriptionSet,
    private readonly onReady: (guildId: string, queued: Envelope[]) => void,
  ) {}

  /**
   * Follows a guild for one session and tracks `member` in its view — at once when the view is
   * loaded, so no event processed after this call can miss them. Resolves the view (undefined if
   * the guild is gone).
   */
  acquire(guildId: string, member: MemberRecord | undefined): Promise<GuildView | undefined> {
    let entry = this.entries.get(guildId);
    if (entry === undefined) {
      // Subscribe before loading: nothing committed after the snapshot can slip past us.
      this.subscriptions.acquire(BusSubject.guild(guildId));
      const created: Entry = {
        refs: 0,
        view: undefined,
        queued: [],
        pendingMembers: [],
        loading: GuildView.load(this.store, guildId),
      };
      entry = created;
      this.entries.set(guildId, created);
      void created.loading.then(
        (view) => {
          created.view = view;
          for (const pending of created.pendingMembers) view?.trackMember(pending);
          created.pendingMembers = [];
          const queued = created.queued ?? [];
          created.queued = undefined;
          this.onReady(guildId, queued);
        },
        () => {
          created.queued = undefined;
        },
      );
    }
    entry.refs += 1;
    // Loaded and not being reloaded: track at once. Otherwise the member waits for the new view.
    if (entry.view !== undefined && entry.queued === undefined) {
      if (member !== undefined) entry.view.trackMember(member);
      return Promise.resolve(entry.view);
    }
    if (member !== undefined) entry.pendingMembers.push(member);
    return entry.loading;
  }

  /** Stops following a guild for one session; `stillMember` keeps the user's roles tracked. */
  release(guildId: string, userId: string, userStillHere: boolean): void {
    const entry = this.entries.get(guildId);
    if (entry === undefined) return;
    if (!userStillHere) entry.view?.untrackMember(userId);
    entry.refs -= 1;
    if (entry.refs <= 0) {
      this.entries.delete(guildId);
      this.subscriptions.release(BusSubject.guild(guildId));
    }
  }

  /**
   * Rebuilds every loaded view from the store: the bus may have lost events (this node was cut off
   * from the broker), so a view could hold roles, overwrites or members that are no longer true.
   * Events arriving meanwhile wait, as during a first load, and are applied to the new view.
   */
  async reloadAll(): Promise<void> {
    await Promise.all([...this.entries].map(([guildId, entry]) => this.reload(guildId, entry)));
  }

  private async reload(guildId: string, entry: Entry): Promise<void> {
    const old = entry.view;
    if (old === undefined || entry.queued !== undefined) return; // still loading: it reads fresh data anyway
    entry.queued = [];
    const reloading = (async () => {
      const view = await GuildView.load(this.store, guildId);
      const members = await Promise.all(
        [...old.localMemberIds()].map((userId) => this.store.guilds.getMember(guildId, userId)),
      );
      return { view, members };
    })();
    // Who waits for the view during the reload gets the new one, or the old one if the store failed.
    entry.loading = reloading.then(
      ({ view }) => view,
      () => old,
    );
    try {
      const { view, members } = await reloading;
      if (this.entries.get(guildId) !== entry) return; // released meanwhile
      // Members untracked while we read (their last session left) stay untracked.
      for (const member of members) if (member !== undefined && old.hasMember(member.userId)) view?.trackMember(member);
      for (const pending of entry.pendingMembers) view?.trackMember(pending);
      entry.pendingMembers = [];
      entry.view = view;
    } catch {
      // The store is unreachable: keep the old view (stale but not empty) and apply what queued.
      for (const pending of entry.pendingMembers) old.trackMember(pending);
      entry.pendingMembers = [];
    } finally {
      const queued = entry.queued ?? [];
      entry.queued = undefined;
      if (this.entries.get(guildId) === entry) this.onReady(guildId, queued);
    }
  }

  /** The loaded view, or undefined; `queue` holds the event if the view is still loading. */
  viewFor(guildId: string, envelope: Envelope): GuildView | 'queued' | undefined {
    const entry = this.entries.get(guildId);
    if (entry === undefined) return undefined;
    if (entry.queued !== undefined) {
      entry.queued.push(envelope);
      return 'queued';
    }
    return entry.view;
  }

  get(guildId: string): GuildView | undefined {
    return this.entries.get(guildId)?.view;
  }

  get size(): number {
    return this.entries.size;
  }
}
