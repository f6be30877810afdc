import { useState } from 'react';
import { setStatus, useSession } from '../client/session';
import type { ChosenStatus } from '../client/storage';
import { displayName, useEntities } from '../store/entities';
import { openModal } from '../store/ui';
import { Avatar, STATUS_LABEL } from './Avatar';
import { Icon } from './Icon';

const STATUSES: ChosenStatus[] = ['online', 'idle', 'dnd', 'invisible'];

/** Bottom of the sidebar: who I am, my status (a menu), and user settings. */
export function UserPanel() {
  const me = useEntities((state) => state.me);
  const status = useSession((state) => state.status);
  const [open, setOpen] = useState(false);
  if (me === undefined) return null;
  return (
    <div className="user-panel">
      <button
        type="button"
        className="user-panel-me"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={`Set status, currently ${STATUS_LABEL[status]}`}
        onClick={() => setOpen(!open)}
      >
        <Avatar id={me.id} name={displayName(me)} status={status} />
        <span className="user-panel-names">
          <span className="user-panel-name">{displayName(me)}</span>
          <span className="muted small">{STATUS_LABEL[status]}</span>
        </span>
      </button>
      {open && (
        <ul className="status-menu" role="menu" aria-label="Status">
          {STATUSES.map((choice) => (
            <li key={choice} role="none">
              <button
                type="button"
                role="menuitemradio"
                aria-checked={choice === status}
                onClick={() => {
                  setStatus(choice);
                  setOpen(false);
                }}
              >
                <span className={`presence-dot inline status-${choice}`} aria-hidden="true" />
                {STATUS_LABEL[choice]}
              </button>
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className="icon-button"
        aria-label="User settings"
        title="User settings"
        onClick={() => openModal({ kind: 'user-settings' })}
      >
        <Icon name="gear" />
      </button>
    </div>
  );
}
