import type { TestServer, TestUser } from './testServer';

/** A small guild with one of everything, for tests that need "some resource of each kind". */
export interface World {
  owner: TestUser;
  member: TestUser;
  outsider: TestUser;
  guildId: string;
  channelId: string;
  messageId: string;
  secondMessageId: string;
  roleId: string;
  inviteCode: string;
  applicationId: string;
  dmChannelId: string;
}

export async function buildWorld(server: TestServer): Promise<World> {
  const [owner, member, outsider] = await Promise.all([server.user(), server.user(), server.user()]);
  const guild = await owner.api.createGuild({ name: 'World' });
  const channelId = guild.system_channel_id!;
  const invite = await owner.api.createInvite(channelId, { max_age: 0 });
  await member.api.acceptInvite(invite.code);
  const message = await owner.api.sendMessage(channelId, { content: 'first' });
  const second = await owner.api.sendMessage(channelId, { content: 'second' });
  const role = await owner.api.createRole(guild.id, { name: 'helpers' });
  const application = await owner.api.createApplication('World App');
  const dm = await owner.api.openDm(member.id);
  return {
    owner,
    member,
    outsider,
    guildId: guild.id,
    channelId,
    messageId: message.id,
    secondMessageId: second.id,
    roleId: role.id,
    inviteCode: invite.code,
    applicationId: application.id,
    dmChannelId: dm.id,
  };
}
