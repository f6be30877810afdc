import {
  ALL_INTENTS,
  GatewayCloseCode,
  GatewayOpcode,
  type GatewayGuild,
  type IdentifyData,
  type PresenceUpdateData,
  type RequestGuildMembersData,
  type ResumeData,
} from '@concord/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { randomBytes } from 'node:crypto';
import { BusSubject } from '../bus/Bus';
import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import type { ClientKind } from '../presence/PresenceStore';
import type { Principal } from '../services/AccountService';
import type { Services } from '../services';
import type { Store } from '../stores/ports';
import type { ClientLink } from './ClientLink';
import { inShard } from './Fanout';
import { GatewaySession } from './GatewaySession';
import type { GuildViews } from './GuildViews';
import type { GuildView } from './GuildView';
import { IdentifyLimiter } from './IdentifyLimiter';
import { toSessionStatus, type PresenceTracker } from './PresenceTracker';
import type { ReadyBuilder } from './ReadyBuilder';
import type { SessionRegistry } from './SessionRegistry';
import type { SubscriptionSet } from './SubscriptionSet';
import { sendMemberChunks } from './memberChunks';

export interface LifecycleDeps {
  config: Config;
  store: Store;
  services: Services;
  clock: Clock;
  logger: FastifyBaseLogger;
  sessions: SessionRegistry;
  subscriptions: SubscriptionSet;
  views: GuildViews;
  tracker: PresenceTracker;
  ready: ReadyBuilder;
}

/** The shard of a client that names none, shared by all of them. */
const UNSHARDED: readonly [number, number] = Object.freeze([0, 1] as const);

/**
 * A client closing with 1000 or 1001 ends its session, as on Discord; any other close (discord.js
 * uses 4200 to resume, our SDK 4000, a dropped network 1006) leaves it resumable for the window.
 */
const SESSION_ENDING_CLOSE_CODES: ReadonlySet<number> = new Set([1000, 1001]);

const RESUME_BUFFER_BYTES = 8 * 1024 * 1024;

/**
 * How gateway sessions begin (IDENTIFY, RESUME), follow their user's guilds, and end. The order of
 * steps in `identify` is what makes delivery gap-free: subscribe and track first, snapshot second,
 * and hold back live events until the snapshot has been sent.
 */
export class SessionLifecycle {
  private readonly limiter = new IdentifyLimiter(16);
  /** The socket each session is currently bound to. */
  private readonly attachedLinks = new Map<GatewaySession, ClientLink>();

  constructor(private readonly deps: LifecycleDeps) {}

  async identify(link: ClientLink, data: IdentifyData): Promise<void> {
    const principal = await this.authenticate(data.token);
    if (principal === undefined) {
      link.connection.close(GatewayCloseCode.AUTHENTICATION_FAILED, 'authentication failed');
      return;
    }
    const intents = data.intents ?? (principal.user.bot ? undefined : ALL_INTENTS);
    if (intents === undefined || (intents & ~ALL_INTENTS) !== 0) {
      link.connection.close(GatewayCloseCode.INVALID_INTENTS, 'invalid intents');
      return;
    }
    const shard = data.shard ?? UNSHARDED;
    if (shard[0] >= shard[1]) {
      link.connection.close(GatewayCloseCode.INVALID_SHARD, 'invalid shard');
      return;
    }
    const deviceId = data.device_id ?? null;
    if (deviceId !== null) {
      // The same device identifying again replaces its old session instead of counting twice.
      for (const old of this.deps.sessions.sessionsOf(principal.user.id)) {
        if (old.identity.deviceId === deviceId) await this.destroy(old);
      }
    }
    const { config } = this.deps;
    const session = new GatewaySession(
      {
        id: randomBytes(16).toString('hex'),
        userId: principal.user.id,
        bot: principal.user.bot,
        authSessionId: principal.session.id,
        intents,
        shard,
        deviceId,
        clientKind: clientKindOf(data.properties),
      },
      { status: toSessionStatus(data.presence?.status ?? 'online'), activities: data.presence?.activities ?? [] },
      { resumeBufferEvents: config.gateway.resumeBufferEvents, resumeBufferBytes: RESUME_BUFFER_BYTES },
      config.gateway.maxBufferedBytes,
    );
    try {
      const bound = await this.limiter.run(async () => {
        // The socket may have closed while we authenticated or waited in line. Its 'close' has then
        // come and gone, and nothing would ever end a session bound to it: do not start one.
        if (!link.connection.isOpen) return false;
        link.session = session;
        session.attach(link.connection);
        this.attachedLinks.set(session, link);
        this.deps.sessions.add(session);
        this.deps.subscriptions.acquire(BusSubject.user(session.userId));
        // A logout or password change committed after we authenticated but before we listened on the
        // user's subject announced its SESSIONS_REVOKED to nobody: check the token again, now listening.
        if ((await this.authenticate(data.token)) === undefined) {
          link.connection.close(GatewayCloseCode.AUTHENTICATION_FAILED, 'authentication failed');
          await this.destroy(session);
          return false;
        }
        await this.followGuilds(session);
        const frames = await this.deps.ready.build(session, principal.user, link.gatewayUrl);
        if (!this.isLive(session)) return false;
        session.sendSnapshot(frames);
        return this.attachedLinks.get(session) === link;
      });
      // Only a session still on its socket goes online: one whose socket closed meanwhile was detached
      // (and announced offline) or ended, and marking it online now would leave a ghost behind.
      if (bound) await this.deps.tracker.online(session);
    } catch (error) {
      this.deps.logger.error({ err: error, userId: session.userId }, 'identify failed');
      link.connection.close(GatewayCloseCode.UNKNOWN_ERROR, 'identify failed, try again');
      await this.destroy(session);
    } finally {
      // Ended while it was being set up: guilds it followed after `destroy` let go are released here.
      if (!this.isLive(session)) this.releaseGuilds(session);
    }
  }

  async resume(link: ClientLink, data: ResumeData): Promise<void> {
    const session = this.deps.sessions.get(data.session_id);
    const principal = await this.authenticate(data.token);
    // The new socket closed while we authenticated: binding the session to it would strand it there.
    if (!link.connection.isOpen) return;
    const valid = session !== undefined && principal !== undefined && principal.user.id === session.userId;
    if (!valid || !session.canResume) {
      link.connection.sendText(JSON.stringify({ op: GatewayOpcode.INVALID_SESSION, d: false }));
      return;
    }
    const previous = [...this.linksOf(session)];
    if (!session.resume(link.connection, data.seq ?? 0)) {
      link.connection.sendText(JSON.stringify({ op: GatewayOpcode.INVALID_SESSION, d: false }));
      await this.destroy(session);
      return;
    }
    // A client resuming from a new socket while the old one still looks open: the old one is stale.
    // It is also unbound from the session at once: until its close handshake ends (up to ws's 30 s
    // for a silent peer) the sweep still sees it, and its heartbeat timeout must not invalidate the
    // session that has just moved to the new socket (nor may its frames act on that session).
    for (const old of previous) {
      old.session = null;
      old.connection.close(GatewayCloseCode.UNKNOWN_ERROR, 'session resumed elsewhere');
    }
    link.session = session;
    this.attachedLinks.set(session, link);
    await this.deps.tracker.online(session);
  }

  async socketClosed(link: ClientLink, code: number): Promise<void> {
    const session = link.session;
    if (session === null || this.attachedLinks.get(session) !== link) return;
    this.attachedLinks.delete(session);
    if (session.canResume && !SESSION_ENDING_CLOSE_CODES.has(code)) {
      session.detach(this.deps.clock.now());
      await this.deps.tracker.offline(session);
      return;
    }
    await this.destroy(session);
  }

  /** Ends a session: no resume, no presence, no subscriptions. Idempotent. */
  async destroy(session: GatewaySession): Promise<void> {
    if (this.deps.sessions.get(session.id) !== session) return;
    session.invalidate();
    this.deps.sessions.remove(session);
    const link = this.attachedLinks.get(session);
    this.attachedLinks.delete(session);
    // Unbind the socket too: until its close handshake ends it can still send frames, and a
    // PRESENCE_UPDATE acting on the ended session would put it back in the presence store for good.
    if (link !== undefined && link.session === session) link.session = null;
    link?.connection.close(GatewayCloseCode.SESSION_TIMED_OUT, 'session ended');
    try {
      // Announce before letting go of the guilds: the tracker tells `session.guildIds` (sized by their
      // views) that the user went offline; with the set already cleared, nobody in a guild heard it.
      await this.deps.tracker.offline(session);
    } finally {
      this.releaseGuilds(session);
      this.deps.subscriptions.release(BusSubject.user(session.userId));
    }
  }

  private isLive(session: GatewaySession): boolean {
    return this.deps.sessions.get(session.id) === session;
  }

  private releaseGuilds(session: GatewaySession): void {
    const stillHere = this.deps.sessions.hasUser(session.userId);
    for (const guildId of session.guildIds) this.deps.views.release(guildId, session.userId, stillHere);
    session.guildIds.clear();
  }

  /** The user joined a guild while connected: follow it from this very event on. */
  joinGuild(session: GatewaySession, guildId: string, payload: GatewayGuild): void {
    const own = payload.members.find((m) => m.user.id === session.userId);
    // The user's other devices here may have joined it already: their presence is announced once.
    const firstHere = !this.deps.sessions
      .sessionsOf(session.userId)
      .some((other) => other !== session && other.guildIds.has(guildId));
    session.guildIds.add(guildId);
    const member = own === undefined ? undefined : memberFrom(guildId, session.userId, own.roles, own.nick);
    const settle = async (view: GuildView | undefined): Promise<void> => {
      if (view === undefined) return;
      if (own === undefined) {
        const record = await this.deps.store.guilds.getMember(guildId, session.userId);
        if (record !== undefined) view.trackMember(record);
      }
      if (!this.isLive(session)) return;
      const memberIds = payload.members.map((m) => m.user.id);
      await this.deps.tracker.joined(session, guildId, memberIds, firstHere);
    };
    void this.deps.views
      .acquire(guildId, member)
      .then(settle)
      .catch((error: unknown) => this.deps.logger.error({ err: error, guildId }, 'could not follow a joined guild'));
  }

  leaveGuild(session: GatewaySession, guildId: string): void {
    if (!session.guildIds.delete(guildId)) return;
    const others = this.deps.sessions.sessionsOf(session.userId).some((s) => s.guildIds.has(guildId));
    this.deps.views.release(guildId, session.userId, others);
  }

  async updatePresence(session: GatewaySession, data: PresenceUpdateData): Promise<void> {
    await this.deps.tracker.update(session, data);
  }

  async requestGuildMembers(session: GatewaySession, data: RequestGuildMembersData): Promise<void> {
    await sendMemberChunks(this.deps, session, data);
  }

  private *linksOf(session: GatewaySession): Iterable<ClientLink> {
    const link = this.attachedLinks.get(session);
    if (link !== undefined) yield link;
  }

  private async followGuilds(session: GatewaySession): Promise<void> {
    const { store, views } = this.deps;
    const guilds = await store.guilds.listForUser(session.userId);
    await Promise.all(
      guilds
        .filter((guild) => inShard(session, guild.id))
        .map(async (guild) => {
          // Subscribe (and load the view) first, read the membership second: a role change committed
          // before the read is in the record, one committed after it arrives as an event we apply.
          session.guildIds.add(guild.id);
          const view = await views.acquire(guild.id, undefined);
          const member = await store.guilds.getMember(guild.id, session.userId);
          if (view !== undefined && member !== undefined) view.trackMember(member);
          else this.leaveGuild(session, guild.id);
        }),
    );
  }

  /** Bots send their token without the "Bot " prefix in IDENTIFY; tolerate it either way. */
  private async authenticate(token: string): Promise<Principal | undefined> {
    const raw = token.startsWith('Bot ') ? token.slice(4) : token;
    return this.deps.services.accounts.authenticate(raw);
  }
}

function memberFrom(guildId: string, userId: string, roleIds: string[], nick: string | null) {
  return { guildId, userId, roleIds: [...roleIds], nick, joinedAt: 0 };
}

/** Discord derives desktop/mobile/web from the identify properties. */
export function clientKindOf(properties: IdentifyData['properties']): ClientKind {
  const os = (properties.os ?? '').toLowerCase();
  const browser = (properties.browser ?? '').toLowerCase();
  if (os === 'android' || os === 'ios' || browser.includes('mobile') || browser.includes('android')) return 'mobile';
  if (browser === 'discord client' || browser.includes('desktop')) return 'desktop';
  return 'web';
}
