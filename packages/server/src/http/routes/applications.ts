import { CreateApplicationBody, ErrorCode, Snowflake } from '@concord/protocol';
import Type from 'typebox';
import { DomainError } from '../../domain/errors';
import { principalOf } from '../authenticate';
import type { HttpServer } from '../server';
import type { Services } from '../../services';
import { toApplication } from '../../wire/applications';

const ApplicationParams = Type.Object({ application_id: Snowflake });

/** Bot applications: a user creates one, gets its bot's token, and bots read their own. */
export function registerApplicationRoutes(api: HttpServer, { accounts }: Services): void {
  api.post(
    '/applications',
    { schema: { body: CreateApplicationBody }, config: { auth: 'human', resource: 'self' } },
    async (request, reply) => {
      const owner = principalOf(request).user;
      const { application, bot } = await accounts.createApplication(
        owner.id,
        request.body.name,
        request.body.description ?? '',
      );
      return reply.code(201).send(toApplication(application, bot, owner));
    },
  );

  api.get('/applications', { config: { auth: 'human', resource: 'self' } }, async (request) => {
    const owner = principalOf(request).user;
    const owned = await accounts.listApplications(owner.id);
    return owned.map(({ application, bot }) => toApplication(application, bot, owner));
  });

  api.get('/applications/@me', { config: { auth: 'required', resource: 'self' } }, async (request) => {
    const bot = principalOf(request).user;
    if (!bot.bot) throw new DomainError(ErrorCode.UnknownApplication);
    const application = await accounts.getBotApplication(bot.id);
    return toApplication(application, bot, await accounts.getUser(application.ownerId));
  });

  api.get(
    '/applications/:application_id',
    { schema: { params: ApplicationParams }, config: { auth: 'human', resource: 'application' } },
    async (request) => {
      const owner = principalOf(request).user;
      const application = await accounts.getOwnedApplication(owner.id, request.params.application_id);
      return toApplication(application, await accounts.getUser(application.botUserId), owner);
    },
  );

  // Discord's "add bot" / "reset token": each call returns a fresh token and revokes the old one.
  api.post(
    '/applications/:application_id/bot',
    { schema: { params: ApplicationParams }, config: { auth: 'human', resource: 'application' } },
    async (request) => ({
      token: await accounts.resetBotToken(principalOf(request).user.id, request.params.application_id),
    }),
  );
  api.post(
    '/applications/:application_id/bot/reset',
    { schema: { params: ApplicationParams }, config: { auth: 'human', resource: 'application' } },
    async (request) => ({
      token: await accounts.resetBotToken(principalOf(request).user.id, request.params.application_id),
    }),
  );
}
