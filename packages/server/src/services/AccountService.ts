import { ErrorCode, type ModifyCurrentUserBody } from '@concord/protocol';
import type { Clock } from '../domain/clock';
import { DomainError, fieldError } from '../domain/errors';
import type { EventPublisher } from '../domain/events';
import type { PasswordHasher } from '../domain/passwords';
import type { IdGenerator } from '../domain/snowflake';
import { hashToken, mintToken } from '../domain/tokens';
import type { Store } from '../stores/ports';
import type { ApplicationRecord, SessionRecord, UserRecord } from '../stores/records';
import { toCurrentUser } from '../wire/users';
import { PrincipalCache, type Principal } from './accounts/PrincipalCache';
import { SessionActivity } from './accounts/SessionActivity';

export interface AccountDeps {
  store: Store;
  ids: IdGenerator;
  clock: Clock;
  hasher: PasswordHasher;
  events: EventPublisher;
}

export type { Principal } from './accounts/PrincipalCache';

const USERNAME_TAKEN = () =>
  fieldError(
    'username',
    'USERNAME_ALREADY_TAKEN',
    'Username is unavailable. Try adding numbers, letters, underscores _ , or periods.',
  );
const INVALID_LOGIN = () =>
  new DomainError(ErrorCode.InvalidFormBody, undefined, {
    login: { _errors: [{ code: 'INVALID_LOGIN', message: 'Login or password is invalid.' }] },
    password: { _errors: [{ code: 'INVALID_LOGIN', message: 'Login or password is invalid.' }] },
  });

/** Only refresh `last_used_at` this often, so authenticating is not a write per request. */
const TOUCH_INTERVAL_MS = 60_000;
/** How often recorded session use is written (one transaction for all sessions). */
const ACTIVITY_FLUSH_MS = 10_000;
/** Backstop for a cross-node invalidation lost on the bus (see PrincipalCache). */
const PRINCIPAL_TTL_MS = 30_000;
const PRINCIPAL_CACHE_SIZE = 50_000;

/** Accounts, sessions (one per device) and bot applications. */
export class AccountService {
  /** A hash to verify against when the user does not exist, so timing does not reveal usernames. */
  private decoyHash: Promise<string> | undefined;
  private readonly principals = new PrincipalCache(PRINCIPAL_TTL_MS, PRINCIPAL_CACHE_SIZE);
  private readonly activity: SessionActivity;

  constructor(private readonly deps: AccountDeps) {
    this.activity = new SessionActivity(deps.store.sessions, ACTIVITY_FLUSH_MS);
  }

  async register(input: {
    username: string;
    password: string;
    globalName?: string;
    device?: string;
  }): Promise<{ token: string; user: UserRecord }> {
    const { store, ids, clock, hasher } = this.deps;
    if ((await store.users.getByUsername(input.username)) !== undefined) throw USERNAME_TAKEN();
    const user: UserRecord = {
      id: ids.next(),
      username: input.username,
      globalName: input.globalName ?? null,
      avatar: null,
      bot: false,
      passwordHash: await hasher.hash(input.password),
      flags: 0,
      createdAt: clock.now(),
    };
    if (!(await store.users.create(user))) throw USERNAME_TAKEN();
    const token = await this.openSession(user.id, input.device ?? null);
    return { token, user };
  }

  async login(input: {
    login: string;
    password: string;
    device?: string;
  }): Promise<{ token: string; user: UserRecord }> {
    const user = await this.deps.store.users.getByUsername(input.login);
    if (user === undefined || user.passwordHash === null) {
      await this.deps.hasher.verify(await this.decoy(), input.password);
      throw INVALID_LOGIN();
    }
    if (!(await this.deps.hasher.verify(user.passwordHash, input.password))) throw INVALID_LOGIN();
    const token = await this.openSession(user.id, input.device ?? null);
    return { token, user };
  }

  /** Resolves the principal of a token, or undefined when the token is unknown or revoked. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const tokenHash = hashToken(token);
    const now = this.deps.clock.now();
    let principal = this.principals.get(tokenHash, now);
    if (principal === undefined) {
      const epoch = this.principals.currentEpoch;
      const session = await this.deps.store.sessions.getByTokenHash(tokenHash);
      if (session === undefined) return undefined;
      const user = await this.deps.store.users.get(session.userId);
      if (user === undefined) return undefined;
      principal = { user, session };
      this.principals.set(tokenHash, principal, now, epoch);
    }
    if (now - principal.session.lastUsedAt > TOUCH_INTERVAL_MS) {
      principal.session.lastUsedAt = now;
      this.activity.record(principal.session.id, now);
    }
    return principal;
  }

  /**
   * Another node changed this user's sessions or profile: drop what this node cached for them.
   * (Changes made here are forgotten directly, before the change is announced.)
   */
  forgetCachedUser(userId: string): void {
    this.principals.forgetUser(userId);
  }

  /** Changes may have gone unheard (the node was cut off from the bus). */
  forgetAllCached(): void {
    this.principals.forgetAll();
  }

  /** Writes pending session activity; called once at shutdown. */
  close(): Promise<void> {
    return this.activity.close();
  }

  async logout(principal: Principal): Promise<void> {
    await this.revokeSessions(principal.user.id, [principal.session.id]);
  }

  listSessions(userId: string): Promise<SessionRecord[]> {
    return this.deps.store.sessions.listForUser(userId);
  }

  async revokeSession(userId: string, sessionId: string): Promise<void> {
    if (!(await this.deps.store.sessions.delete(userId, sessionId))) throw new DomainError(ErrorCode.UnknownSession);
    this.announceRevoked(userId, [sessionId]);
  }

  async updateCurrentUser(
    principal: Principal,
    patch: ModifyCurrentUserBody,
  ): Promise<{ user: UserRecord; token?: string }> {
    const { store, hasher } = this.deps;
    const { user } = principal;
    const sensitive = patch.username !== undefined || patch.new_password !== undefined;
    if (sensitive && !user.bot) {
      if (patch.password === undefined)
        throw fieldError('password', 'PASSWORD_REQUIRED', 'Password is required to change this.');
      if (user.passwordHash === null || !(await hasher.verify(user.passwordHash, patch.password))) {
        throw fieldError('password', 'PASSWORD_DOES_NOT_MATCH', 'Password does not match.');
      }
    }
    const changes: Parameters<Store['users']['update']>[1] = {};
    if (patch.username !== undefined && patch.username !== user.username) changes.username = patch.username;
    if (patch.global_name !== undefined) changes.globalName = patch.global_name;
    if (patch.avatar !== undefined) changes.avatar = patch.avatar;
    if (patch.new_password !== undefined && !user.bot) changes.passwordHash = await hasher.hash(patch.new_password);
    const updated = await store.users.update(user.id, changes);
    if (updated === 'username_taken') throw USERNAME_TAKEN();
    if (updated === undefined) throw new DomainError(ErrorCode.UnknownUser);
    let token: string | undefined;
    if (changes.passwordHash !== undefined) {
      // A new password ends every session, this one included, and hands this device a fresh token.
      const others = await store.sessions.deleteAllForUser(user.id);
      this.announceRevoked(user.id, others);
      token = await this.openSession(user.id, principal.session.device);
    }
    this.principals.forgetUser(user.id);
    this.deps.events.publish({
      type: 'USER_UPDATE',
      data: toCurrentUser(updated),
      route: { kind: 'users', userIds: [user.id] },
    });
    return token === undefined ? { user: updated } : { user: updated, token };
  }

  async getUser(id: string): Promise<UserRecord> {
    const user = await this.deps.store.users.get(id);
    if (user === undefined) throw new DomainError(ErrorCode.UnknownUser);
    return user;
  }

  getUsers(ids: readonly string[]): Promise<UserRecord[]> {
    return this.deps.store.users.getMany(ids);
  }

  async listApplications(
    ownerId: string,
  ): Promise<Array<{ application: ApplicationRecord; bot: UserRecord | undefined }>> {
    const applications = await this.deps.store.applications.listForOwner(ownerId);
    const bots = new Map((await this.getUsers(applications.map((a) => a.botUserId))).map((u) => [u.id, u]));
    return applications.map((application) => ({ application, bot: bots.get(application.botUserId) }));
  }

  /** The application a bot user belongs to. */
  async getBotApplication(botUserId: string): Promise<ApplicationRecord> {
    const application = await this.deps.store.applications.getByBotUser(botUserId);
    if (application === undefined) throw new DomainError(ErrorCode.UnknownApplication);
    return application;
  }

  /** Creates an application owned by `ownerId` together with its bot user. */
  async createApplication(
    ownerId: string,
    name: string,
    description: string,
  ): Promise<{ application: ApplicationRecord; bot: UserRecord }> {
    const { store, ids, clock } = this.deps;
    const applicationId = ids.next();
    // The bot's username is unique and derived from the app name; the id suffix avoids clashes.
    const base =
      name
        .toLowerCase()
        .replace(/[^a-z0-9_.]/g, '_')
        .replace(/\.{2,}/g, '.')
        .slice(0, 20) || 'bot';
    const bot: UserRecord = {
      id: ids.next(),
      username: `${base}_${applicationId.slice(-6)}`,
      globalName: name,
      avatar: null,
      bot: true,
      passwordHash: null,
      flags: 0,
      createdAt: clock.now(),
    };
    const application: ApplicationRecord = {
      id: applicationId,
      ownerId,
      name,
      description,
      botUserId: bot.id,
      createdAt: clock.now(),
    };
    if (!(await store.applications.create(application, bot))) throw USERNAME_TAKEN();
    return { application, bot };
  }

  async getOwnedApplication(ownerId: string, applicationId: string): Promise<ApplicationRecord> {
    const application = await this.deps.store.applications.get(applicationId);
    if (application === undefined || application.ownerId !== ownerId)
      throw new DomainError(ErrorCode.UnknownApplication);
    return application;
  }

  /** Issues a new bot token and revokes the bot's previous ones (Discord's "reset token"). */
  async resetBotToken(ownerId: string, applicationId: string): Promise<string> {
    const application = await this.getOwnedApplication(ownerId, applicationId);
    const revoked = await this.deps.store.sessions.deleteAllForUser(application.botUserId);
    this.announceRevoked(application.botUserId, revoked);
    return this.openSession(application.botUserId, 'bot');
  }

  private async openSession(userId: string, device: string | null): Promise<string> {
    const token = mintToken(userId);
    const now = this.deps.clock.now();
    await this.deps.store.sessions.create({
      id: this.deps.ids.next(),
      userId,
      tokenHash: hashToken(token),
      device,
      createdAt: now,
      lastUsedAt: now,
    });
    return token;
  }

  private async revokeSessions(userId: string, sessionIds: string[]): Promise<void> {
    for (const id of sessionIds) await this.deps.store.sessions.delete(userId, id);
    this.announceRevoked(userId, sessionIds);
  }

  /** Live sockets of revoked sessions must close at once: the gateway listens for this. */
  private announceRevoked(userId: string, sessionIds: string[]): void {
    if (sessionIds.length === 0) return;
    this.principals.forgetUser(userId);
    this.deps.events.publish({
      type: 'SESSIONS_REVOKED',
      data: { session_ids: sessionIds },
      route: { kind: 'users', userIds: [userId] },
    });
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= this.deps.hasher.hash('decoy-password-for-timing');
    return this.decoyHash;
  }
}
