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
    if (entry.view !== undefined) {
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
