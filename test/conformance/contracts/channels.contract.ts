import type { StoreFactory } from '../storeContract';

// PLACEHOLDER: replaced by the channels conformance suite.
export function channelsContract(_factory: StoreFactory): void {}
