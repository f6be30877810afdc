import type { GatewayState } from '@concord/sdk';
import { create } from 'zustand';

/** What the connection banner shows. */
export type ConnectionView = 'connecting' | 'reconnecting' | 'online' | 'back-online' | 'offline';

interface ConnectionState {
  gateway: GatewayState;
  view: ConnectionView;
  /** Whether the session has been live once (so a later reconnect says "reconnecting", not "connecting"). */
  wasLive: boolean;
}

export const useConnection = create<ConnectionState>(() => ({ gateway: 'idle', view: 'connecting', wasLive: false }));

let backOnlineTimer: ReturnType<typeof setTimeout> | undefined;

export function gatewayStateChanged(to: GatewayState): void {
  const { wasLive, view } = useConnection.getState();
  clearTimeout(backOnlineTimer);
  if (to === 'ready') {
    const shownBack = wasLive && view !== 'online';
    useConnection.setState({ gateway: to, wasLive: true, view: shownBack ? 'back-online' : 'online' });
    if (shownBack) backOnlineTimer = setTimeout(() => useConnection.setState({ view: 'online' }), 3000);
    return;
  }
  const next: ConnectionView = to === 'closed' ? 'offline' : wasLive ? 'reconnecting' : 'connecting';
  useConnection.setState({ gateway: to, view: next });
}
