import type {
  AckBody,
  Application,
  ChannelPositionsBody,
  EditOverwriteBody,
  RolePositionsBody,
  AuthSession,
  Ban,
  Channel,
  CreateBanBody,
  CreateDmBody,
  CreateGuildBody,
  CreateGuildChannelBody,
  CreateInviteBody,
  CreateMessageBody,
  EditMessageBody,
  Guild,
  GuildMember,
  Invite,
  ListMessagesQuery,
  LoginResponse,
  Message,
  ModifyChannelBody,
  ModifyCurrentUserBody,
  ModifyGuildBody,
  ModifyMemberBody,
  PartialGuild,
  ReadState,
  RegisterResponse,
  Role,
  RoleBody,
  User,
} from '@concord/protocol';
import { RestClient, type RestClientOptions } from './RestClient';

const enc = encodeURIComponent;

/**
 * Typed REST methods for Concord's API (Discord v10 shapes). Tests, benchmarks and the web client
 * use this; it is a thin layer over `RestClient`, one method per route.
 */
export class ConcordApi {
  readonly rest: RestClient;

  constructor(options: RestClientOptions) {
    this.rest = new RestClient(options);
  }

  // Accounts
  async register(username: string, password: string, device?: string): Promise<RegisterResponse> {
    const result = await this.rest.post<RegisterResponse>('/auth/register', { username, password, device });
    this.rest.setToken(result.token);
    return result;
  }
  async login(login: string, password: string, device?: string): Promise<LoginResponse> {
    const result = await this.rest.post<LoginResponse>('/auth/login', { login, password, device });
    this.rest.setToken(result.token);
    return result;
  }
  logout(): Promise<void> {
    return this.rest.post('/auth/logout');
  }
  me(): Promise<User> {
    return this.rest.get('/users/@me');
  }
  updateMe(body: ModifyCurrentUserBody): Promise<User & { token?: string }> {
    return this.rest.patch('/users/@me', body);
  }
  getUser(userId: string): Promise<User> {
    return this.rest.get(`/users/${userId}`);
  }
  sessions(): Promise<{ user_sessions: AuthSession[] }> {
    return this.rest.get('/auth/sessions');
  }
  revokeSession(sessionId: string): Promise<void> {
    return this.rest.delete(`/auth/sessions/${sessionId}`);
  }

  // Applications and bots
  createApplication(name: string, description?: string): Promise<Application> {
    return this.rest.post('/applications', { name, description });
  }
  botToken(applicationId: string): Promise<{ token: string }> {
    return this.rest.post(`/applications/${applicationId}/bot`);
  }
  authorizeBot(applicationId: string, guildId: string, permissions?: string): Promise<{ location: string }> {
    return this.rest.request(
      'POST',
      '/oauth2/authorize',
      { guild_id: guildId, permissions, authorize: true },
      {
        client_id: applicationId,
        scope: 'bot',
      },
    );
  }

  // Guilds
  createGuild(body: CreateGuildBody): Promise<Guild> {
    return this.rest.post('/guilds', body);
  }
  getGuild(guildId: string): Promise<Guild> {
    return this.rest.get(`/guilds/${guildId}`);
  }
  modifyGuild(guildId: string, body: ModifyGuildBody): Promise<Guild> {
    return this.rest.patch(`/guilds/${guildId}`, body);
  }
  deleteGuild(guildId: string): Promise<void> {
    return this.rest.delete(`/guilds/${guildId}`);
  }
  myGuilds(): Promise<PartialGuild[]> {
    return this.rest.get('/users/@me/guilds');
  }
  leaveGuild(guildId: string): Promise<void> {
    return this.rest.delete(`/users/@me/guilds/${guildId}`);
  }
  guildChannels(guildId: string): Promise<Channel[]> {
    return this.rest.get(`/guilds/${guildId}/channels`);
  }
  createGuildChannel(guildId: string, body: CreateGuildChannelBody): Promise<Channel> {
    return this.rest.post(`/guilds/${guildId}/channels`, body);
  }
  setChannelPositions(guildId: string, body: ChannelPositionsBody): Promise<void> {
    return this.rest.patch(`/guilds/${guildId}/channels`, body);
  }
  editChannelPermissions(channelId: string, overwriteId: string, body: EditOverwriteBody): Promise<void> {
    return this.rest.put(`/channels/${channelId}/permissions/${overwriteId}`, body);
  }
  deleteChannelPermission(channelId: string, overwriteId: string): Promise<void> {
    return this.rest.delete(`/channels/${channelId}/permissions/${overwriteId}`);
  }
  channelInvites(channelId: string): Promise<Invite[]> {
    return this.rest.get(`/channels/${channelId}/invites`);
  }
  currentMember(guildId: string): Promise<GuildMember> {
    return this.rest.get(`/users/@me/guilds/${guildId}/member`);
  }
  modifyCurrentMember(guildId: string, body: { nick?: string | null }): Promise<GuildMember> {
    return this.rest.patch(`/guilds/${guildId}/members/@me`, body);
  }
  reorderRoles(guildId: string, positions: RolePositionsBody): Promise<Role[]> {
    return this.rest.patch(`/guilds/${guildId}/roles`, positions);
  }
  roles(guildId: string): Promise<Role[]> {
    return this.rest.get(`/guilds/${guildId}/roles`);
  }
  createRole(guildId: string, body: RoleBody): Promise<Role> {
    return this.rest.post(`/guilds/${guildId}/roles`, body);
  }
  modifyRole(guildId: string, roleId: string, body: RoleBody): Promise<Role> {
    return this.rest.patch(`/guilds/${guildId}/roles/${roleId}`, body);
  }
  deleteRole(guildId: string, roleId: string): Promise<void> {
    return this.rest.delete(`/guilds/${guildId}/roles/${roleId}`);
  }
  members(guildId: string, query: { limit?: number; after?: string } = {}): Promise<GuildMember[]> {
    return this.rest.get(`/guilds/${guildId}/members`, query);
  }
  member(guildId: string, userId: string): Promise<GuildMember> {
    return this.rest.get(`/guilds/${guildId}/members/${userId}`);
  }
  modifyMember(guildId: string, userId: string, body: ModifyMemberBody): Promise<GuildMember> {
    return this.rest.patch(`/guilds/${guildId}/members/${userId}`, body);
  }
  addMemberRole(guildId: string, userId: string, roleId: string): Promise<void> {
    return this.rest.put(`/guilds/${guildId}/members/${userId}/roles/${roleId}`);
  }
  removeMemberRole(guildId: string, userId: string, roleId: string): Promise<void> {
    return this.rest.delete(`/guilds/${guildId}/members/${userId}/roles/${roleId}`);
  }
  kick(guildId: string, userId: string): Promise<void> {
    return this.rest.delete(`/guilds/${guildId}/members/${userId}`);
  }
  ban(guildId: string, userId: string, body: CreateBanBody = {}): Promise<void> {
    return this.rest.put(`/guilds/${guildId}/bans/${userId}`, body);
  }
  unban(guildId: string, userId: string): Promise<void> {
    return this.rest.delete(`/guilds/${guildId}/bans/${userId}`);
  }
  bans(guildId: string): Promise<Ban[]> {
    return this.rest.get(`/guilds/${guildId}/bans`);
  }

  // Invites
  createInvite(channelId: string, body: CreateInviteBody = {}): Promise<Invite> {
    return this.rest.post(`/channels/${channelId}/invites`, body);
  }
  getInvite(code: string): Promise<Invite> {
    return this.rest.get(`/invites/${enc(code)}`);
  }
  acceptInvite(code: string): Promise<Invite> {
    return this.rest.post(`/invites/${enc(code)}`, {});
  }
  deleteInvite(code: string): Promise<Invite> {
    return this.rest.delete(`/invites/${enc(code)}`);
  }
  guildInvites(guildId: string): Promise<Invite[]> {
    return this.rest.get(`/guilds/${guildId}/invites`);
  }

  // Channels
  getChannel(channelId: string): Promise<Channel> {
    return this.rest.get(`/channels/${channelId}`);
  }
  modifyChannel(channelId: string, body: ModifyChannelBody): Promise<Channel> {
    return this.rest.patch(`/channels/${channelId}`, body);
  }
  deleteChannel(channelId: string): Promise<Channel> {
    return this.rest.delete(`/channels/${channelId}`);
  }
  openDm(recipientId: string): Promise<Channel> {
    return this.rest.post('/users/@me/channels', { recipient_id: recipientId });
  }
  createGroupDm(body: CreateDmBody): Promise<Channel> {
    return this.rest.post('/users/@me/channels', body);
  }
  privateChannels(): Promise<Channel[]> {
    return this.rest.get('/users/@me/channels');
  }
  addRecipient(channelId: string, userId: string): Promise<void> {
    return this.rest.put(`/channels/${channelId}/recipients/${userId}`);
  }
  removeRecipient(channelId: string, userId: string): Promise<void> {
    return this.rest.delete(`/channels/${channelId}/recipients/${userId}`);
  }
  typing(channelId: string): Promise<void> {
    return this.rest.post(`/channels/${channelId}/typing`);
  }

  // Messages
  sendMessage(channelId: string, body: CreateMessageBody): Promise<Message> {
    return this.rest.post(`/channels/${channelId}/messages`, body);
  }
  getMessage(channelId: string, messageId: string): Promise<Message> {
    return this.rest.get(`/channels/${channelId}/messages/${messageId}`);
  }
  messages(channelId: string, query: ListMessagesQuery = {}): Promise<Message[]> {
    return this.rest.get(`/channels/${channelId}/messages`, query);
  }
  editMessage(channelId: string, messageId: string, body: EditMessageBody): Promise<Message> {
    return this.rest.patch(`/channels/${channelId}/messages/${messageId}`, body);
  }
  deleteMessage(channelId: string, messageId: string): Promise<void> {
    return this.rest.delete(`/channels/${channelId}/messages/${messageId}`);
  }
  react(channelId: string, messageId: string, emoji: string): Promise<void> {
    return this.rest.put(`/channels/${channelId}/messages/${messageId}/reactions/${enc(emoji)}/@me`);
  }
  unreact(channelId: string, messageId: string, emoji: string): Promise<void> {
    return this.rest.delete(`/channels/${channelId}/messages/${messageId}/reactions/${enc(emoji)}/@me`);
  }
  reactions(
    channelId: string,
    messageId: string,
    emoji: string,
    query: { after?: string; limit?: number } = {},
  ): Promise<User[]> {
    return this.rest.get(`/channels/${channelId}/messages/${messageId}/reactions/${enc(emoji)}`, query);
  }
  ack(channelId: string, messageId: string, body: AckBody = {}): Promise<{ token: null }> {
    return this.rest.post(`/channels/${channelId}/messages/${messageId}/ack`, body);
  }
  bulkDelete(channelId: string, messageIds: string[]): Promise<void> {
    return this.rest.post(`/channels/${channelId}/messages/bulk-delete`, { messages: messageIds });
  }
  removeUserReaction(channelId: string, messageId: string, emoji: string, userId: string): Promise<void> {
    return this.rest.delete(`/channels/${channelId}/messages/${messageId}/reactions/${enc(emoji)}/${userId}`);
  }
  clearReactions(channelId: string, messageId: string, emoji?: string): Promise<void> {
    const suffix = emoji === undefined ? '' : `/${enc(emoji)}`;
    return this.rest.delete(`/channels/${channelId}/messages/${messageId}/reactions${suffix}`);
  }
  pins(channelId: string): Promise<Message[]> {
    return this.rest.get(`/channels/${channelId}/pins`);
  }
  pin(channelId: string, messageId: string): Promise<void> {
    return this.rest.put(`/channels/${channelId}/pins/${messageId}`);
  }
  unpin(channelId: string, messageId: string): Promise<void> {
    return this.rest.delete(`/channels/${channelId}/pins/${messageId}`);
  }
  readStates(): Promise<ReadState[]> {
    return this.rest.get('/users/@me/read-states');
  }
}
