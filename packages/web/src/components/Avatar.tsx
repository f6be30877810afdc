import type { PresenceStatus } from '@concord/protocol';

const COLORS = ['#5865f2', '#3ba55c', '#faa61a', '#ed4245', '#eb459e', '#9b59b6', '#1abc9c', '#e67e22'];

export const STATUS_LABEL: Record<PresenceStatus, string> = {
  online: 'Online',
  idle: 'Idle',
  dnd: 'Do Not Disturb',
  invisible: 'Invisible',
  offline: 'Offline',
};

/** Initials on a colour picked from the id; a presence dot when a status is given. */
export function Avatar({
  id,
  name,
  size = 32,
  status,
}: {
  id: string;
  name: string;
  size?: number;
  status?: PresenceStatus;
}) {
  const color = COLORS[[...id].reduce((sum, char) => sum + char.charCodeAt(0), 0) % COLORS.length];
  const initials = name.slice(0, 2).toUpperCase();
  return (
    <span
      className="avatar"
      style={{ width: size, height: size, background: color, fontSize: size * 0.4 }}
      aria-hidden="true"
    >
      {initials}
      {status !== undefined && <span className={`presence-dot status-${status}`} />}
    </span>
  );
}
