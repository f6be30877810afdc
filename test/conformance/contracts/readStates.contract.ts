import type { StoreFactory } from '../storeContract';

// PLACEHOLDER: replaced by the readStates conformance suite.
export function readStatesContract(_factory: StoreFactory): void {}
