import type { StoreFactory } from '../storeContract';

// PLACEHOLDER: replaced by the messages conformance suite.
export function messagesContract(_factory: StoreFactory): void {}
