import { create } from 'zustand';

/** How long a TYPING_START shows (Discord: about 10 s, renewed while typing). */
export const TYPING_SHOWN_MS = 10_000;

interface TypingState {
  /** channel id → user id → when the indicator expires (ms). */
  byChannel: Record<string, Record<string, number>>;
}

export const useTyping = create<TypingState>(() => ({ byChannel: {} }));

export function startTyping(channelId: string, userId: string, now = Date.now()): void {
  const { byChannel } = useTyping.getState();
  useTyping.setState({
    byChannel: { ...byChannel, [channelId]: { ...byChannel[channelId], [userId]: now + TYPING_SHOWN_MS } },
  });
}

/** The user's message arrived: they stopped typing. */
export function stopTyping(channelId: string, userId: string): void {
  const { byChannel } = useTyping.getState();
  const users = byChannel[channelId];
  if (users?.[userId] === undefined) return;
  const { [userId]: _gone, ...rest } = users;
  useTyping.setState({ byChannel: { ...byChannel, [channelId]: rest } });
}

/** Drops expired indicators (called on a timer). */
export function pruneTyping(now = Date.now()): void {
  const { byChannel } = useTyping.getState();
  let changed = false;
  const next: TypingState['byChannel'] = {};
  for (const [channelId, users] of Object.entries(byChannel)) {
    const live = Object.entries(users).filter(([, expires]) => expires > now);
    if (live.length !== Object.keys(users).length) changed = true;
    if (live.length > 0) next[channelId] = Object.fromEntries(live);
  }
  if (changed) useTyping.setState({ byChannel: next });
}
