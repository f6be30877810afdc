import { Permission } from '@concord/protocol';
import { useState } from 'react';
import { client } from '../client/session';
import { displayName, memberName, useEntities } from '../store/entities';
import { navigate } from '../store/route';
import { openModal } from '../store/ui';
import { guildPermissions, has } from '../lib/permissions';
import { Avatar, STATUS_LABEL } from './Avatar';
import { ErrorLine, Modal, errorText } from './Modal';

/** A user's card: send a message; in a guild, kick or ban when allowed. */
export function UserProfileModal({ userId, guildId }: { userId: string; guildId: string | undefined }) {
  const user = useEntities((state) => state.users[userId] ?? state.members[guildId ?? '']?.[userId]?.user);
  const me = useEntities((state) => state.me);
  const status = useEntities((state) => state.presences[userId] ?? 'offline');
  const guild = useEntities((state) => (guildId === undefined ? undefined : state.guilds[guildId]));
  const myMember = useEntities((state) =>
    guildId === undefined || me === undefined ? undefined : state.members[guildId]?.[me.id],
  );
  const [error, setError] = useState<string | undefined>(undefined);
  const perms = me === undefined ? 0n : guildPermissions(guild, myMember, me.id);
  const self = userId === me?.id;
  const name = memberName(guildId, userId);

  async function act<T>(action: () => Promise<T>, after: (result: T) => void): Promise<void> {
    try {
      after(await action());
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  return (
    <Modal title={name}>
      <div className="profile">
        <Avatar id={userId} name={name} size={64} status={status} />
        <div>
          <strong>{displayName(user)}</strong>
          <div className="muted">@{user?.username}</div>
          <div className="muted small">{STATUS_LABEL[status]}</div>
        </div>
      </div>
      {!self && (
        <div className="row">
          <button
            type="button"
            className="primary"
            onClick={() =>
              void act(
                () => client().api.openDm(userId),
                (channel) => {
                  openModal(undefined);
                  navigate({ kind: 'home', channelId: channel.id });
                },
              )
            }
          >
            Message
          </button>
          {guildId !== undefined && has(perms, Permission.KICK_MEMBERS) && guild?.owner_id !== userId && (
            <button
              type="button"
              className="danger"
              onClick={() =>
                void act(
                  () => client().api.kick(guildId, userId),
                  () => openModal(undefined),
                )
              }
            >
              Kick
            </button>
          )}
          {guildId !== undefined && has(perms, Permission.BAN_MEMBERS) && guild?.owner_id !== userId && (
            <button
              type="button"
              className="danger"
              onClick={() =>
                void act(
                  () => client().api.ban(guildId, userId),
                  () => openModal(undefined),
                )
              }
            >
              Ban
            </button>
          )}
        </div>
      )}
      <ErrorLine error={error} />
    </Modal>
  );
}
