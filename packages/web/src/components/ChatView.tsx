import { ChannelType } from '@concord/protocol';
import { useEffect } from 'react';
import { loadLatest } from '../client/history';
import { useEntities } from '../store/entities';
import { markerOf } from '../store/readStates';
import { useUi } from '../store/ui';
import { Composer } from './Composer';
import { privateChannelName } from './DmList';
import { MemberList } from './MemberList';
import { MessageList } from './MessageList';
import { TypingIndicator } from './TypingIndicator';
import { Icon } from './Icon';

/** The open channel: header, messages, typing line, composer, and (in guilds) the member list. */
export function ChatView({ guildId, channelId }: { guildId: string | undefined; channelId: string | undefined }) {
  const channel = useEntities((state) => (channelId === undefined ? undefined : state.channels[channelId]));
  const me = useEntities((state) => state.me);
  const membersShown = useUi((state) => state.membersShown);

  useEffect(() => {
    if (channelId === undefined || channel === undefined) return;
    // Remember where "new messages" starts before this visit moves the marker.
    // Only when something was unread on arrival: messages read live while watching get no line.
    const { [channelId]: _previous, ...opened } = useUi.getState().openedMarker;
    const lastRead = markerOf(channelId).lastSeq;
    const unread = (useEntities.getState().channels[channelId]?.last_seq ?? 0) > lastRead;
    useUi.setState({ openedMarker: unread ? { ...opened, [channelId]: lastRead } : opened });
    void loadLatest(channelId).catch(() => undefined);
    // Only when the channel changes: the marker captured must be the one from before the visit.
  }, [channelId, channel === undefined]);

  if (channelId === undefined || channel === undefined) {
    return (
      <main className="chat empty-chat" aria-label="No channel selected">
        <MobileNavButton />
        <div className="empty-state">
          <h2>{guildId === undefined ? 'Your direct messages' : 'No channel selected'}</h2>
          <p className="muted">
            {guildId === undefined
              ? 'Pick a conversation, or open a member of a server to message them.'
              : 'Pick a channel on the left.'}
          </p>
        </div>
      </main>
    );
  }
  const isGuild = channel.guild_id !== undefined;
  const title = isGuild ? (channel.name ?? '') : privateChannelName(channel, me?.id);
  const showMembers = membersShown && (isGuild || channel.type === ChannelType.GROUP_DM);
  return (
    <>
      <main className="chat" aria-labelledby="chat-title">
        <header className="chat-header">
          <MobileNavButton />
          <h1 id="chat-title">
            <span className="channel-hash" aria-hidden="true">
              {isGuild ? '#' : '@'}
            </span>
            {title}
          </h1>
          {channel.topic && (
            <p className="chat-topic" data-testid="channel-topic">
              {channel.topic}
            </p>
          )}
          {(isGuild || channel.type === ChannelType.GROUP_DM) && (
            <button
              type="button"
              className="icon-button members-toggle"
              aria-pressed={membersShown}
              aria-label="Show member list"
              onClick={() => {
                const state = useUi.getState();
                const narrow = window.matchMedia('(max-width: 900px)').matches;
                if (narrow)
                  useUi.setState({ drawer: state.drawer === 'members' ? 'none' : 'members', membersShown: true });
                else useUi.setState({ membersShown: !state.membersShown });
              }}
            >
              <Icon name="members" />
            </button>
          )}
        </header>
        <MessageList key={channelId} channel={channel} />
        <div className="chat-footer">
          <Composer key={channelId} channel={channel} />
          <TypingIndicator channelId={channelId} guildId={channel.guild_id} />
        </div>
      </main>
      {showMembers && <MemberList channel={channel} />}
    </>
  );
}

function MobileNavButton() {
  return (
    <button
      type="button"
      className="icon-button mobile-only"
      aria-label="Open channels and servers"
      onClick={() => useUi.setState({ drawer: useUi.getState().drawer === 'nav' ? 'none' : 'nav' })}
    >
      <Icon name="menu" />
    </button>
  );
}
