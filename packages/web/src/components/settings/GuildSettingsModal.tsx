import { useState } from 'react';
import { Modal } from '../Modal';
import { ChannelsTab } from './ChannelsTab';
import { InvitesTab } from './InvitesTab';
import { MembersTab } from './MembersTab';
import { OverviewTab } from './OverviewTab';
import { RolesTab } from './RolesTab';
import { useEntities } from '../../store/entities';

const TABS = ['Overview', 'Channels', 'Roles', 'Members', 'Invites'] as const;
type Tab = (typeof TABS)[number];

/** Server settings for owners and admins (the server checks every change; this only arranges them). */
export function GuildSettingsModal({ guildId }: { guildId: string }) {
  const [tab, setTab] = useState<Tab>('Overview');
  const guild = useEntities((state) => state.guilds[guildId]);
  if (guild === undefined) return null;
  return (
    <Modal title={`${guild.name} — Server Settings`} wide>
      <div className="settings">
        <div className="settings-tabs" role="tablist" aria-label="Settings sections">
          {TABS.map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              id={`tab-${name}`}
              aria-selected={tab === name}
              aria-controls={`panel-${name}`}
              className={tab === name ? 'active' : ''}
              onClick={() => setTab(name)}
            >
              {name}
            </button>
          ))}
        </div>
        <div className="settings-panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
          {tab === 'Overview' && <OverviewTab guild={guild} />}
          {tab === 'Channels' && <ChannelsTab guildId={guildId} />}
          {tab === 'Roles' && <RolesTab guild={guild} />}
          {tab === 'Members' && <MembersTab guild={guild} />}
          {tab === 'Invites' && <InvitesTab guildId={guildId} />}
        </div>
      </div>
    </Modal>
  );
}
