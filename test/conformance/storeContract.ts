import { describe } from 'vitest';
import type { Store } from '../../packages/server/src/stores/ports';
import { accountsContract } from './contracts/accounts.contract';
import { channelsContract } from './contracts/channels.contract';
import { guildsContract } from './contracts/guilds.contract';
import { messagesContract } from './contracts/messages.contract';
import { readStatesContract } from './contracts/readStates.contract';
import type { IdGenerator } from '../../packages/server/src/domain/snowflake';

/** Opens a fresh, empty store for one test; `reopen` reopens the same data (restart semantics). */
export interface StoreFactory {
  /**
   * A fresh store, and a way to open the same data again — with another id generator, as another
   * node of a cluster (its own worker id and clock) would.
   */
  open(): Promise<{ store: Store; reopen: (ids?: IdGenerator) => Promise<Store> }>;
}

/**
 * The storage conformance suite: every engine must pass it unchanged. It uses only the port
 * interfaces, never an engine's internals.
 */
export function storeContract(engine: string, factory: StoreFactory): void {
  describe(`Store conformance: ${engine}`, () => {
    accountsContract(factory);
    guildsContract(factory);
    channelsContract(factory);
    messagesContract(factory);
    readStatesContract(factory);
  });
}
