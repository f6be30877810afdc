import { useUi } from '../store/ui';
import { AddGuildModal } from './AddGuildModal';
import { InviteModal } from './InviteModal';
import { NewGroupDmModal } from './NewGroupDmModal';
import { GuildSettingsModal } from './settings/GuildSettingsModal';
import { UserProfileModal } from './UserProfileModal';
import { UserSettingsModal } from './UserSettingsModal';

/** Shows the one open dialog. */
export function ModalHost() {
  const modal = useUi((state) => state.modal);
  if (modal === undefined) return null;
  switch (modal.kind) {
    case 'add-guild':
      return <AddGuildModal inviteCode={modal.inviteCode} />;
    case 'invite':
      return <InviteModal code={modal.code} guildName={modal.guildName} />;
    case 'guild-settings':
      return <GuildSettingsModal guildId={modal.guildId} />;
    case 'user-settings':
      return <UserSettingsModal />;
    case 'new-group-dm':
      return <NewGroupDmModal />;
    case 'user-profile':
      return <UserProfileModal userId={modal.userId} guildId={modal.guildId} />;
  }
}
