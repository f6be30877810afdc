import { useEffect } from 'react';
import { ChannelList } from '../components/ChannelList';
import { ChatView } from '../components/ChatView';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { DmList } from '../components/DmList';
import { GuildRail } from '../components/GuildRail';
import { ModalHost } from '../components/ModalHost';
import { UserPanel } from '../components/UserPanel';
import { useRoute } from '../store/route';
import { useUi } from '../store/ui';
import { pruneTyping } from '../store/typing';
import { useDocumentTitle } from './useDocumentTitle';
import { useRouteEffects } from './useRouteEffects';

/** The logged-in layout: guild rail, channel or DM list, the chat, and the member list. */
export function Shell() {
  const route = useRoute((state) => state.route);
  const drawer = useUi((state) => state.drawer);
  useRouteEffects(route);
  useDocumentTitle();
  useEffect(() => {
    const timer = setInterval(() => pruneTyping(), 1000);
    return () => clearInterval(timer);
  }, []);

  const guildId = route.kind === 'guild' ? route.guildId : undefined;
  const channelId = route.kind === 'guild' || route.kind === 'home' ? route.channelId : undefined;
  return (
    <div className={`shell drawer-${drawer}`}>
      <a className="skip-link" href="#composer-input">
        Skip to message composer
      </a>
      <ConnectionBanner />
      <nav className="rail-and-sidebar" aria-label="Servers and channels">
        <GuildRail activeGuildId={guildId} />
        <div className="sidebar">
          {guildId === undefined ? (
            <DmList activeChannelId={channelId} />
          ) : (
            <ChannelList guildId={guildId} activeChannelId={channelId} />
          )}
          <UserPanel />
        </div>
      </nav>
      {drawer !== 'none' && (
        <button
          type="button"
          className="drawer-scrim"
          aria-label="Close panel"
          onClick={() => useUi.setState({ drawer: 'none' })}
        />
      )}
      <ChatView guildId={guildId} channelId={channelId} />
      <ModalHost />
    </div>
  );
}
