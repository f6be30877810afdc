import type { SyncMessage } from '@concord/protocol';
import { rememberUsers } from '../store/entities';
import { applyPage, setLoadingBefore, upsertMessage, useMessages } from '../store/messages';
import { client } from './session';

/** The server's largest page. */
export const PAGE_SIZE = 100;

const inFlight = new Map<string, Promise<void>>();

/** Runs one load per channel and kind at a time (scroll events fire many times). */
function once(key: string, load: () => Promise<void>): Promise<void> {
  const running = inFlight.get(key);
  if (running !== undefined) return running;
  const promise = load().finally(() => inFlight.delete(key));
  inFlight.set(key, promise);
  return promise;
}

/** Loads the newest page of a channel the first time it is opened. */
export function loadLatest(channelId: string): Promise<void> {
  if (useMessages.getState().byChannel[channelId] !== undefined) return Promise.resolve();
  return once(`latest:${channelId}`, async () => {
    const { api, gw } = client();
    const head = gw.cache.channels.get(channelId)?.last_seq ?? 0;
    const page = (await api.messages(channelId, { before_seq: head + 1, limit: PAGE_SIZE })) as SyncMessage[];
    rememberUsers(page.flatMap((message) => [message.author, ...message.mentions]));
    applyPage(channelId, page, PAGE_SIZE, true);
    // Messages the gateway delivered while the page was in flight are newer than it: catch up.
    await fillGap(channelId);
  });
}

/** Loads the page before the oldest one held (scrolling up); `loadingBefore` keeps it to one at a time. */
export async function loadOlder(channelId: string): Promise<void> {
  const window = useMessages.getState().byChannel[channelId];
  if (window === undefined || !window.hasMoreBefore || window.loadingBefore) return;
  setLoadingBefore(channelId, true);
  try {
    const page = (await client().api.messages(channelId, {
      before_seq: window.oldestSeq,
      limit: PAGE_SIZE,
    })) as SyncMessage[];
    rememberUsers(page.flatMap((message) => [message.author, ...message.mentions]));
    applyPage(channelId, page, PAGE_SIZE, false);
  } catch (error) {
    setLoadingBefore(channelId, false);
    throw error;
  }
}

/** Reads what lies between the loaded window and the channel's head (after a hole in the live stream). */
export function fillGap(channelId: string): Promise<void> {
  return once(`gap:${channelId}`, async () => {
    const { api, gw } = client();
    for (let rounds = 0; rounds < 50; rounds++) {
      const window = useMessages.getState().byChannel[channelId];
      const head = gw.cache.channels.get(channelId)?.last_seq ?? 0;
      if (window === undefined || window.newestSeq >= head) return;
      const page = (await api.messages(channelId, { after_seq: window.newestSeq, limit: PAGE_SIZE })) as SyncMessage[];
      if (page.length === 0) return;
      rememberUsers(page.flatMap((message) => [message.author, ...message.mentions]));
      for (const message of page) {
        if (message.deleted === true) bumpNewest(channelId, message.seq);
        else upsertMessage(message);
      }
    }
  });
}

function bumpNewest(channelId: string, seq: number): void {
  const state = useMessages.getState();
  const window = state.byChannel[channelId];
  if (window === undefined || window.newestSeq >= seq) return;
  useMessages.setState({ byChannel: { ...state.byChannel, [channelId]: { ...window, newestSeq: seq } } });
}
