import { AuthSession, LoginBody, RegisterBody, Snowflake } from '@concord/protocol';
import Type from 'typebox';
import { principalOf } from '../authenticate';
import type { HttpServer } from '../server';
import type { Services } from '../../services';
import { toAuthSession } from '../../wire/users';

/** Account routes, at the paths Discord's own client uses. */
export function registerAuthRoutes(api: HttpServer, { accounts }: Services): void {
  api.post(
    '/auth/register',
    { schema: { body: RegisterBody }, config: { auth: 'public', rateLimit: 'auth' } },
    async (request, reply) => {
      const { username, password, global_name, device } = request.body;
      const { token, user } = await accounts.register({ username, password, globalName: global_name, device });
      return reply.code(201).send({ token, user_id: user.id });
    },
  );

  api.post(
    '/auth/login',
    { schema: { body: LoginBody }, config: { auth: 'public', rateLimit: 'auth' } },
    async (request) => {
      const { token, user } = await accounts.login(request.body);
      return { token, user_id: user.id };
    },
  );

  api.post('/auth/logout', { config: { auth: 'required', resource: 'self' } }, async (request, reply) => {
    await accounts.logout(principalOf(request));
    return reply.code(204).send();
  });

  api.get('/auth/sessions', { config: { auth: 'human', resource: 'self' } }, async (request) => {
    const principal = principalOf(request);
    const sessions = await accounts.listSessions(principal.user.id);
    const userSessions: AuthSession[] = sessions.map((s) => toAuthSession(s, principal.session.id));
    return { user_sessions: userSessions };
  });

  api.delete(
    '/auth/sessions/:session_id',
    { schema: { params: Type.Object({ session_id: Snowflake }) }, config: { auth: 'human', resource: 'self' } },
    async (request, reply) => {
      await accounts.revokeSession(principalOf(request).user.id, request.params.session_id);
      return reply.code(204).send();
    },
  );
}
