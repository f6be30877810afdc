import { useConnection } from '../store/connection';

const TEXT = {
  connecting: 'Connecting…',
  reconnecting: 'Connection lost. Reconnecting…',
  'back-online': 'Back online',
  offline: 'Disconnected',
} as const;

/** Connection state, announced politely to screen readers; hidden while simply online. */
export function ConnectionBanner() {
  const view = useConnection((state) => state.view);
  return (
    <div className="connection-region" role="status" aria-live="polite">
      {view !== 'online' && (
        <div className={`connection-banner ${view}`} data-testid="connection-banner" data-state={view}>
          {TEXT[view]}
        </div>
      )}
    </div>
  );
}
