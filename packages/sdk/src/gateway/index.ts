export { GatewayClient, type GatewayClientOptions } from './GatewayClient';
export { ChannelSync, type ChannelSyncOptions, type FetchMessagesAfter } from './ChannelSync';
export { ClientCache, type CachedReadState, type Dispatch } from './ClientCache';
export { MemoryCursorStore, type CursorStore } from './CursorStore';
export { GatewayError, type GatewayErrorCode, type GatewayErrorDetails } from './GatewayError';
export { TypedEmitter, type Listener } from './TypedEmitter';
export { backoffDelay, jitterBetween, type BackoffOptions } from './backoff';
export { gatewayUrl } from './GatewaySocket';
export type { WebSocketConstructor, WebSocketLike } from './WebSocketLike';
export type {
  GatewayClientEvents,
  GatewayDispatchEvents,
  GatewayDispatchName,
  GatewayEvents,
  GatewayState,
  MessageCreateEvent,
  RawDispatch,
  ReconnectInfo,
} from './events';
