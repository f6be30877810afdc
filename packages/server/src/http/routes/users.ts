import { IdParams, ModifyCurrentUserBody } from '@concord/protocol';
import { principalOf } from '../authenticate';
import type { HttpServer } from '../server';
import type { Services } from '../../services';
import { toCurrentUser, toUser } from '../../wire/users';

export function registerUserRoutes(api: HttpServer, { accounts }: Services): void {
  api.get('/users/@me', { config: { auth: 'required', resource: 'self' } }, async (request) =>
    toCurrentUser(principalOf(request).user),
  );

  api.patch(
    '/users/@me',
    { schema: { body: ModifyCurrentUserBody }, config: { auth: 'required', resource: 'self' } },
    async (request) => {
      const { user, token } = await accounts.updateCurrentUser(principalOf(request), request.body);
      return token === undefined ? toCurrentUser(user) : { ...toCurrentUser(user), token };
    },
  );

  api.get('/users/:user_id', { schema: { params: IdParams.user }, config: { auth: 'required' } }, async (request) => {
    return toUser(await accounts.getUser(request.params.user_id));
  });
}
