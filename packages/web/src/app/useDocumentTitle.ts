import { useEffect } from 'react';
import { useEntities } from '../store/entities';
import { useReadStates } from '../store/readStates';
import { badgeCount } from '../lib/unread';

/** "(3) Concord": mentions and unread DMs in the tab title. */
export function useDocumentTitle(): void {
  const channels = useEntities((state) => state.channels);
  const markers = useReadStates((state) => state.markers);
  useEffect(() => {
    let count = 0;
    for (const channel of Object.values(channels)) count += badgeCount(channel, markers[channel.id]);
    document.title = count > 0 ? `(${count}) Concord` : 'Concord';
  }, [channels, markers]);
}
