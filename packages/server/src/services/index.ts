import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import type { EventPublisher } from '../domain/events';
import type { PasswordHasher } from '../domain/passwords';
import type { PresenceStore } from '../presence/PresenceStore';
import type { IdGenerator } from '../domain/snowflake';
import type { Store } from '../stores/ports';
import { AccessService } from './AccessService';
import { AccountService } from './AccountService';
import { ChannelService } from './ChannelService';
import { GuildService } from './GuildService';
import { MessageService } from './MessageService';
import { ReadStateService } from './ReadStateService';

/** What every service may depend on: ports and shared domain services, never HTTP or sockets. */
export interface ServiceDeps {
  config: Config;
  store: Store;
  ids: IdGenerator;
  clock: Clock;
  events: EventPublisher;
  hasher: PasswordHasher;
  access: AccessService;
  /** Who is online and who is typing: never the database. */
  presence: PresenceStore;
}

export interface Services {
  access: AccessService;
  accounts: AccountService;
  /** Guilds, roles, members, bans, invites, adding bots to guilds. */
  guilds: GuildService;
  /** Guild channels, categories, overwrites, DMs and group DMs, typing. */
  channels: ChannelService;
  /** Messages and reactions. */
  messages: MessageService;
  readStates: ReadStateService;
}

export function createServices(deps: Omit<ServiceDeps, 'access'>): Services {
  const access = new AccessService(deps.store, deps.clock);
  const full: ServiceDeps = { ...deps, access };
  return {
    access,
    accounts: new AccountService(full),
    guilds: new GuildService(full),
    channels: new ChannelService(full),
    messages: new MessageService(full),
    readStates: new ReadStateService(full),
  };
}
