import { Permission, type Channel } from '@concord/protocol';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { VList, type VListHandle } from 'virtua';
import { ackMessage } from '../client/actions';
import { loadOlder } from '../client/history';
import { useEntities } from '../store/entities';
import { useMessages } from '../store/messages';
import { useUi } from '../store/ui';
import { channelPermissions, has } from '../lib/permissions';
import { buildRows, type Row } from '../lib/rows';
import { MessageItem } from './MessageItem';
import { PendingItem } from './PendingItem';

/** Pixels from the top at which the next older page is fetched. */
const LOAD_OLDER_AT = 400;
const EMPTY: never[] = [];

/**
 * The channel's messages in a virtualized list (only what is on screen is mounted, so 10,000+
 * messages scroll smoothly): older pages load while scrolling up, the view sticks to the bottom
 * while new messages arrive, and the read marker moves while the newest message is visible.
 */
export function MessageList({ channel }: { channel: Channel }) {
  const channelId = channel.id;
  const window_ = useMessages((state) => state.byChannel[channelId]);
  const pending = useMessages((state) => state.pending[channelId] ?? EMPTY);
  const markerSeq = useUi((state) => state.openedMarker[channelId]);
  const me = useEntities((state) => state.me);
  const guild = useEntities((state) => (channel.guild_id === undefined ? undefined : state.guilds[channel.guild_id]));
  const member = useEntities((state) =>
    channel.guild_id === undefined || me === undefined ? undefined : state.members[channel.guild_id]?.[me.id],
  );
  const canManage =
    me !== undefined &&
    guild !== undefined &&
    has(channelPermissions(guild, member, me.id, channel), Permission.MANAGE_MESSAGES);

  const rows = useMemo(
    () =>
      buildRows(window_?.items ?? EMPTY, pending, {
        atStart: window_ !== undefined && !window_.hasMoreBefore,
        markerSeq,
        meId: me?.id,
      }),
    [window_, pending, markerSeq, me?.id],
  );

  const ref = useRef<VListHandle>(null);
  const atBottom = useRef(true);
  const [showJump, setShowJump] = useState(false);
  const previousFirst = useRef<string | undefined>(undefined);
  const firstKey = rows[0]?.key;
  // Rows added above the old first row: virtua keeps the position anchored to the end.
  const shift =
    previousFirst.current !== undefined &&
    firstKey !== previousFirst.current &&
    rows.some((row) => row.key === previousFirst.current);
  useLayoutEffect(() => {
    previousFirst.current = firstKey;
  });

  const lastRowKey = rows[rows.length - 1]?.key;
  useLayoutEffect(() => {
    if (atBottom.current && rows.length > 0) ref.current?.scrollToIndex(rows.length - 1, { align: 'end' });
    // Follows new rows at the end only (older pages keep their place through `shift`).
  }, [lastRowKey]);

  const lastMessage = window_?.items[window_.items.length - 1];
  const ackIfSeen = useCallback(() => {
    if (lastMessage === undefined || !atBottom.current || document.visibilityState !== 'visible') return;
    void ackMessage(channelId, lastMessage.id, lastMessage.seq);
  }, [channelId, lastMessage]);
  useEffect(() => {
    ackIfSeen();
    document.addEventListener('visibilitychange', ackIfSeen);
    window.addEventListener('focus', ackIfSeen);
    return () => {
      document.removeEventListener('visibilitychange', ackIfSeen);
      window.removeEventListener('focus', ackIfSeen);
    };
  }, [ackIfSeen]);

  // Still near the top after a page came in (no scroll event fires when the offset does not move),
  // or a first page shorter than the viewport: fetch the next older page.
  useEffect(() => {
    const list = ref.current;
    if (list === null || window_ === undefined || !window_.hasMoreBefore || window_.loadingBefore) return;
    const nearTop = list.scrollOffset < LOAD_OLDER_AT && !atBottom.current;
    if (nearTop || list.scrollSize <= list.viewportSize + LOAD_OLDER_AT)
      void loadOlder(channelId).catch(() => undefined);
  }, [window_, channelId]);

  const onScroll = (offset: number): void => {
    const list = ref.current;
    if (list === null) return;
    const fromBottom = list.scrollSize - list.viewportSize - offset;
    atBottom.current = fromBottom < 24;
    setShowJump(fromBottom > list.viewportSize);
    if (atBottom.current) ackIfSeen();
    if (offset < LOAD_OLDER_AT) void loadOlder(channelId).catch(() => undefined);
  };

  const jumpToPresent = (): void => {
    atBottom.current = true;
    ref.current?.scrollToIndex(rows.length - 1, { align: 'end' });
    setShowJump(false);
  };

  return (
    <div className="message-area">
      {window_?.loadingBefore === true && (
        <div className="loading-older" role="status">
          Loading older messages…
        </div>
      )}
      {window_ === undefined && (
        <div className="loading-older" role="status">
          Loading messages…
        </div>
      )}
      <VList
        ref={ref}
        data={rows}
        shift={shift}
        bufferSize={600}
        className="message-list"
        role="log"
        aria-label={`Messages in ${channel.name ?? 'this conversation'}`}
        data-testid="message-list"
        onScroll={onScroll}
      >
        {(row: Row) => renderRow(row, channel, me?.id, canManage)}
      </VList>
      {showJump && (
        <button type="button" className="jump-present" onClick={jumpToPresent}>
          Jump to present ↓
        </button>
      )}
    </div>
  );
}

function renderRow(row: Row, channel: Channel, meId: string | undefined, canManage: boolean) {
  switch (row.kind) {
    case 'start':
      return (
        <div key={row.key} className="channel-start">
          <h2>
            {channel.guild_id === undefined
              ? 'This is the beginning of your conversation.'
              : `Welcome to #${channel.name ?? ''}!`}
          </h2>
          <p className="muted">This is the start of the channel's history.</p>
        </div>
      );
    case 'message':
      return (
        <div key={row.key}>
          {row.day !== undefined && (
            <div className="day-separator" role="separator" aria-label={row.day}>
              <span>{row.day}</span>
            </div>
          )}
          {row.unreadStart && (
            <div className="new-marker" role="separator" aria-label="New messages" data-testid="new-messages-marker">
              <span>New</span>
            </div>
          )}
          <MessageItem
            message={row.message}
            grouped={row.grouped}
            mine={row.message.author.id === meId}
            canManage={canManage}
            guildId={channel.guild_id}
          />
        </div>
      );
    case 'pending':
      return <PendingItem key={row.key} pending={row.pending} />;
  }
}
