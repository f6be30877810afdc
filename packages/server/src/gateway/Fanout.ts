import { GatewayCloseCode, GatewayIntent, type GatewayGuild } from '@concord/protocol';
import type { Metrics } from '../metrics/Metrics';
import { dispatchPrefix } from './Connection';
import { decodeEnvelope, peekEnvelopeId, type Envelope } from './EventEnvelope';
import type { GatewaySession } from './GatewaySession';
import type { GuildView } from './GuildView';
import type { GuildViews } from './GuildViews';
import { CONTENT_EVENTS, requiredIntent } from './intents';
import type { SessionRegistry } from './SessionRegistry';

/** Events that change what a guild view knows (who may see what). */
const VIEW_EVENTS: ReadonlySet<string> = new Set([
  'GUILD_UPDATE',
  'GUILD_ROLE_CREATE',
  'GUILD_ROLE_UPDATE',
  'GUILD_ROLE_DELETE',
  'CHANNEL_CREATE',
  'CHANNEL_UPDATE',
  'CHANNEL_DELETE',
  'GUILD_MEMBER_ADD',
  'GUILD_MEMBER_UPDATE',
  'GUILD_MEMBER_REMOVE',
]);

/** Channel events that can take the channel away from someone who could see it. */
const CHANNEL_CHANGES: ReadonlySet<string> = new Set(['CHANNEL_UPDATE', 'CHANNEL_DELETE']);

const RECENT_IDS = 10_000;

/**
 * Turns bus envelopes into dispatches for this node's sessions: applies the event to the guild view,
 * picks the sessions that may receive it (membership, channel visibility, intents, shard) and hands
 * each the same pre-serialized frame. No I/O per recipient.
 */
export class Fanout {
  private readonly recent = new Set<string>();
  /** A ring of the ids in `recent`, oldest at `recentNext`. */
  private readonly recentOrder = new Array<string | undefined>(RECENT_IDS);
  private recentNext = 0;

  constructor(
    private readonly sessions: SessionRegistry,
    private readonly views: GuildViews,
    private readonly hooks: {
      /** A user on this node joined a guild (GUILD_CREATE on their route). */
      joinGuild(session: GatewaySession, guildId: string, payload: GatewayGuild): void;
      /** A user on this node left or lost a guild. */
      leaveGuild(session: GatewaySession, guildId: string): void;
    },
    private readonly metrics: Metrics,
  ) {}

  onBusMessage(payload: string): void {
    const id = peekEnvelopeId(payload);
    if (id !== undefined && this.recent.has(id)) return;
    const envelope = decodeEnvelope(payload);
    if (envelope === undefined || this.seen(envelope.header.id)) return;
    this.metrics.eventsReceived.inc();
    if (typeof envelope.header.at === 'number')
      this.metrics.busLag.observe(Math.max(0, Date.now() - envelope.header.at) / 1000);
    this.handle(envelope);
  }

  /** Events of a guild that waited for its view to load, in their original order. */
  replay(envelopes: Envelope[]): void {
    for (const envelope of envelopes) this.handle(envelope);
  }

  private handle(envelope: Envelope): void {
    const { route } = envelope.header;
    if (route.kind === 'guild') {
      const view = this.views.viewFor(route.guildId, envelope);
      if (view === undefined || view === 'queued') return;
      this.deliverGuildEvent(view, envelope);
      return;
    }
    const targets = route.kind === 'private' ? route.recipientIds : route.userIds;
    this.deliverUserEvent(envelope, targets, route.kind === 'private' ? 'private' : 'user');
  }

  private deliverGuildEvent(view: GuildView, envelope: Envelope): void {
    const { type, route } = envelope.header;
    if (route.kind !== 'guild') return;
    const frames = new FrameVariants(envelope);
    const channelId = route.channelId;
    // Whoever could see a channel before it was deleted or hidden from them must hear of it too:
    // deciding only on the view after the change, nobody would ever receive a CHANNEL_DELETE.
    const viewedBefore = channelId !== undefined && CHANNEL_CHANGES.has(type) ? view.audience(channelId) : undefined;
    if (VIEW_EVENTS.has(type)) view.apply(type, frames.data());
    const intent = requiredIntent(type, 'guild');
    // Sessions that follow the guild, told or not: a deleted guild is left even without GUILDS.
    const followers: GatewaySession[] = [];
    const deleting = type === 'GUILD_DELETE';
    let delivered = 0;
    for (const userId of recipientsOf(view, channelId, viewedBefore)) {
      for (const session of this.sessions.sessionsOf(userId)) {
        if (!session.guildIds.has(view.id) || !inShard(session, view.id)) continue;
        if (deleting) followers.push(session);
        if (intent !== 0 && (session.identity.intents & intent) === 0) continue;
        session.dispatch(frames.for(session));
        delivered += 1;
      }
    }
    this.metrics.dispatchesSent.inc(delivered);
    for (const session of followers) this.hooks.leaveGuild(session, view.id);
  }

  private deliverUserEvent(envelope: Envelope, userIds: readonly string[], scope: 'private' | 'user'): void {
    const { type } = envelope.header;
    const frames = new FrameVariants(envelope);
    const intent = requiredIntent(type, type.startsWith('GUILD_') ? 'guild' : scope);
    let delivered = 0;
    for (const userId of new Set(userIds)) {
      for (const session of this.sessions.sessionsOf(userId)) {
        if (type === 'SESSIONS_REVOKED') {
          const { session_ids } = frames.data() as { session_ids: string[] };
          if (session_ids.includes(session.identity.authSessionId)) {
            session.invalidate();
            session.close(GatewayCloseCode.AUTHENTICATION_FAILED, 'session revoked');
          }
          continue;
        }
        if (type === 'CHANNEL_CREATE' || type === 'CHANNEL_RECIPIENT_ADD') rememberPartners(session, frames.data());
        if (type === 'GUILD_CREATE') {
          const guild = frames.data() as GatewayGuild;
          if (!inShard(session, guild.id)) continue;
          if (!session.guildIds.has(guild.id)) this.hooks.joinGuild(session, guild.id, guild);
        }
        // Direct messages go to shard 0 only, as on Discord.
        if (scope === 'private' && session.identity.shard[0] !== 0) continue;
        if (intent === 0 || (session.identity.intents & intent) !== 0) {
          session.dispatch(frames.for(session));
          delivered += 1;
        }
        // Left even when the session is not told (no GUILDS intent): otherwise it would still hold the
        // guild, and the GUILD_CREATE of a later re-join would not follow it again.
        if (type === 'GUILD_DELETE') {
          const { id } = frames.data() as { id: string };
          if (session.guildIds.has(id)) this.hooks.leaveGuild(session, id);
        }
      }
    }
    this.metrics.dispatchesSent.inc(delivered);
  }

  /** Whether the event was handled already (the bus may deliver twice); remembers the last RECENT_IDS. */
  private seen(id: string): boolean {
    if (this.recent.has(id)) return true;
    const forgotten = this.recentOrder[this.recentNext];
    if (forgotten !== undefined) this.recent.delete(forgotten);
    this.recentOrder[this.recentNext] = id;
    this.recentNext = (this.recentNext + 1) % RECENT_IDS;
    this.recent.add(id);
    return false;
  }
}

/** The members to tell of a guild event: all of them, or those who may see (or just saw) its channel. */
function recipientsOf(
  view: GuildView,
  channelId: string | undefined,
  viewedBefore: ReadonlySet<string> | undefined,
): Iterable<string> {
  if (channelId === undefined) return view.localMemberIds();
  const viewing = view.audience(channelId);
  return viewedBefore === undefined || viewedBefore === viewing ? viewing : new Set([...viewedBefore, ...viewing]);
}

/**
 * A DM or group DM that appeared (or grew) while the session is connected: its other recipients
 * now share it with this user and so hear their presence, as those listed at READY do.
 */
function rememberPartners(session: GatewaySession, data: unknown): void {
  const { recipients, user } = data as { recipients?: Array<{ id: string }>; user?: { id: string } };
  for (const recipient of recipients ?? []) session.partnerIds.add(recipient.id);
  if (user !== undefined && user.id !== session.userId) session.partnerIds.add(user.id);
}

/** Discord's shard formula: a guild belongs to shard `(guild_id >> 22) % shard_count`. */
export function inShard(session: GatewaySession, guildId: string): boolean {
  const [id, count] = session.identity.shard;
  return count === 1 || Number((BigInt(guildId) >> 22n) % BigInt(count)) === id;
}

/**
 * The serializations of one event: the full frame, built once and shared by every recipient, and —
 * only if some bot lacks MESSAGE_CONTENT — a second one with the content withheld.
 */
class FrameVariants {
  private parsed: unknown;
  private full: Buffer | undefined;
  private withheld: Buffer | undefined;

  constructor(private readonly envelope: Envelope) {}

  data(): unknown {
    this.parsed ??= JSON.parse(this.envelope.dataJson) as unknown;
    return this.parsed;
  }

  for(session: GatewaySession): Buffer {
    if (this.withholdsContent(session)) {
      this.withheld ??= dispatchPrefix(this.envelope.header.type, JSON.stringify(withoutContent(this.data())));
      return this.withheld;
    }
    this.full ??= dispatchPrefix(this.envelope.header.type, this.envelope.dataJson);
    return this.full;
  }

  /** Discord's rule: bots without MESSAGE_CONTENT see content only in DMs, their own or mentioning them. */
  private withholdsContent(session: GatewaySession): boolean {
    const { identity } = session;
    if (!identity.bot || (identity.intents & GatewayIntent.MESSAGE_CONTENT) !== 0) return false;
    if (!CONTENT_EVENTS.has(this.envelope.header.type) || this.envelope.header.route.kind !== 'guild') return false;
    const message = this.data() as { author?: { id: string }; mentions?: Array<{ id: string }> };
    if (message.author?.id === identity.userId) return false;
    return !(message.mentions ?? []).some((user) => user.id === identity.userId);
  }
}

function withoutContent(data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return data;
  return { ...data, content: '', embeds: [], attachments: [] };
}
