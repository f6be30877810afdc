import { Permission, type Guild, type PermissionName, type Role } from '@concord/protocol';
import { useState } from 'react';
import { client } from '../../client/session';
import { ErrorLine, errorText } from '../Modal';

/** The permissions offered as switches (the rest keep their value). */
const EDITABLE: Array<[PermissionName, string]> = [
  ['ADMINISTRATOR', 'Administrator'],
  ['MANAGE_GUILD', 'Manage Server'],
  ['MANAGE_CHANNELS', 'Manage Channels'],
  ['MANAGE_ROLES', 'Manage Roles'],
  ['KICK_MEMBERS', 'Kick Members'],
  ['BAN_MEMBERS', 'Ban Members'],
  ['CREATE_INSTANT_INVITE', 'Create Invite'],
  ['VIEW_CHANNEL', 'View Channels'],
  ['SEND_MESSAGES', 'Send Messages'],
  ['MANAGE_MESSAGES', 'Manage Messages'],
  ['READ_MESSAGE_HISTORY', 'Read Message History'],
  ['ADD_REACTIONS', 'Add Reactions'],
  ['MENTION_EVERYONE', 'Mention @everyone'],
];

/** Create roles, rename and colour them, hoist them, and switch permissions. */
export function RolesTab({ guild }: { guild: Guild }) {
  const [error, setError] = useState<string | undefined>(undefined);
  const roles = [...guild.roles].sort((a, b) => b.position - a.position);
  const [selected, setSelected] = useState<string>(roles[0]?.id ?? guild.id);
  const role = roles.find((item) => item.id === selected);
  const run = (action: () => Promise<unknown>): void =>
    void action().catch((failure: unknown) => setError(errorText(failure)));

  return (
    <div className="roles">
      <div className="stack">
        <ul className="settings-list" aria-label="Roles">
          {roles.map((item) => (
            <li key={item.id}>
              <button
                type="button"
                className={item.id === selected ? 'active' : ''}
                aria-pressed={item.id === selected}
                onClick={() => setSelected(item.id)}
              >
                {item.name}
              </button>
            </li>
          ))}
        </ul>
        <button
          type="button"
          className="primary"
          onClick={() =>
            run(async () => {
              const created = await client().api.createRole(guild.id, { name: 'new role' });
              setSelected(created.id);
            })
          }
        >
          Create Role
        </button>
      </div>
      {role !== undefined && <RoleEditor key={role.id} guild={guild} role={role} run={run} />}
      <ErrorLine error={error} />
    </div>
  );
}

function RoleEditor({ guild, role, run }: { guild: Guild; role: Role; run(action: () => Promise<unknown>): void }) {
  const [name, setName] = useState(role.name);
  const [color, setColor] = useState(`#${role.color.toString(16).padStart(6, '0')}`);
  const perms = BigInt(role.permissions);
  const everyone = role.id === guild.id;
  const api = client().api;
  return (
    <div className="stack role-editor">
      <div className="row">
        <label>
          Role name
          <input value={name} disabled={everyone} onChange={(event) => setName(event.target.value)} />
        </label>
        <label>
          Colour
          <input type="color" value={color} onChange={(event) => setColor(event.target.value)} />
        </label>
        <button
          type="button"
          onClick={() =>
            run(() =>
              api.modifyRole(guild.id, role.id, { ...(everyone ? {} : { name }), color: parseInt(color.slice(1), 16) }),
            )
          }
        >
          Save
        </button>
      </div>
      {!everyone && (
        <label className="switch">
          <input
            type="checkbox"
            checked={role.hoist}
            onChange={(event) => run(() => api.modifyRole(guild.id, role.id, { hoist: event.target.checked }))}
          />
          Show members with this role separately
        </label>
      )}
      <fieldset className="stack">
        <legend>Permissions</legend>
        {EDITABLE.map(([key, label]) => {
          const bit = Permission[key];
          return (
            <label key={key} className="switch">
              <input
                type="checkbox"
                checked={(perms & bit) === bit}
                onChange={(event) =>
                  run(() =>
                    api.modifyRole(guild.id, role.id, {
                      permissions: String(event.target.checked ? perms | bit : perms & ~bit),
                    }),
                  )
                }
              />
              {label}
            </label>
          );
        })}
      </fieldset>
      {!everyone && (
        <button type="button" className="danger" onClick={() => run(() => api.deleteRole(guild.id, role.id))}>
          Delete Role
        </button>
      )}
    </div>
  );
}
