import type { Application } from '@concord/protocol';
import type { ApplicationRecord, UserRecord } from '../stores/records';
import { toUser } from './users';

export function toApplication(
  application: ApplicationRecord,
  bot: UserRecord | undefined,
  owner: UserRecord | undefined,
): Application {
  const wire: Application = {
    id: application.id,
    name: application.name,
    icon: null,
    description: application.description,
    bot_public: true,
    bot_require_code_grant: false,
    // Interactions are not implemented; the key is a stable placeholder-free value: the app id itself.
    verify_key: application.id,
    flags: 0,
  };
  if (bot !== undefined) wire.bot = toUser(bot);
  if (owner !== undefined) wire.owner = toUser(owner);
  return wire;
}
