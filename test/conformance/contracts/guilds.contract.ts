import type { StoreFactory } from '../storeContract';

// PLACEHOLDER: replaced by the guilds conformance suite.
export function guildsContract(_factory: StoreFactory): void {}
