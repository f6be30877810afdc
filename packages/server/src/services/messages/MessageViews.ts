import { MessageType, type SyncMessage } from '@concord/protocol';
import type { Store } from '../../stores/ports';
import type { MessageRecord, UserRecord } from '../../stores/records';
import { toMessage, type MessageExtras, type MessageView } from '../../wire/messages';

export interface ViewOptions {
  /** Whose `me` the reaction counts show; omit for events, which go to many viewers. */
  viewerId?: string;
}

/**
 * Loads what a page of messages needs to become wire messages, in a few bulk reads rather than one
 * per message: the messages replies point at, every user named, and reaction counts.
 */
export class MessageViews {
  constructor(private readonly store: Store) {}

  async load(channelId: string, records: readonly MessageRecord[], options: ViewOptions = {}): Promise<MessageView> {
    const references = await this.loadReferences(records);
    const userIds = new Set<string>();
    for (const record of [...records, ...[...references.values()].filter((r) => r !== null)]) {
      userIds.add(record.authorId);
      for (const id of record.mentionUserIds) userIds.add(id);
    }
    const live = records.filter((r) => !r.deleted).map((r) => r.id);
    const [userList, reactions] = await Promise.all([
      this.store.users.getMany([...userIds]),
      options.viewerId === undefined
        ? Promise.resolve(undefined)
        : this.store.messages.reactionCounts(channelId, live, options.viewerId),
    ]);
    const users = new Map(userList.map((u) => [u.id, u]));
    return reactions === undefined ? { users, references } : { users, references, reactions };
  }

  /**
   * The view of a message about to be written (or rewritten), loaded before the write: its event can
   * then be published as soon as the write resolves, with no await in between, so one node publishes
   * a channel's events in the order the store committed them.
   */
  async prepare(draft: {
    authorId: string;
    mentionUserIds: readonly string[];
    reference: MessageRecord | null;
    /** Users the caller already holds (the sender, from its request): not read again. */
    known?: readonly UserRecord[];
  }): Promise<MessageView> {
    const { reference } = draft;
    const userIds = new Set([draft.authorId, ...draft.mentionUserIds]);
    if (reference !== null) for (const id of [reference.authorId, ...reference.mentionUserIds]) userIds.add(id);
    const users = new Map<string, UserRecord>();
    for (const user of draft.known ?? []) {
      if (userIds.delete(user.id)) users.set(user.id, user);
    }
    if (userIds.size > 0) for (const user of await this.store.users.getMany([...userIds])) users.set(user.id, user);
    return { users, references: new Map(reference === null ? [] : [[reference.id, reference]]) };
  }

  /** Wire messages for `records`, in the same order. */
  async render(
    channelId: string,
    records: readonly MessageRecord[],
    options: ViewOptions = {},
    extras: MessageExtras = {},
  ): Promise<SyncMessage[]> {
    const view = await this.load(channelId, records, options);
    return records.map((record) => toMessage(record, view, extras));
  }

  async renderOne(record: MessageRecord, options: ViewOptions = {}, extras: MessageExtras = {}): Promise<SyncMessage> {
    const [wire] = await this.render(record.channelId, [record], options, extras);
    return wire!;
  }

  /** Replies in the page usually point into the page itself; only the others are read. */
  private async loadReferences(records: readonly MessageRecord[]): Promise<Map<string, MessageRecord | null>> {
    const inPage = new Map(records.map((r) => [r.id, r]));
    const references = new Map<string, MessageRecord | null>();
    const missing: Array<{ channelId: string; id: string }> = [];
    for (const record of records) {
      if (record.type !== MessageType.REPLY || record.referenceMessageId === null) continue;
      const id = record.referenceMessageId;
      if (references.has(id)) continue;
      const local = inPage.get(id);
      references.set(id, local ?? null);
      if (local === undefined) missing.push({ channelId: record.referenceChannelId ?? record.channelId, id });
    }
    const found = await Promise.all(missing.map((m) => this.store.messages.get(m.channelId, m.id)));
    found.forEach((record, i) => references.set(missing[i]!.id, record ?? null));
    return references;
  }
}
