import { create } from 'zustand';

/** A channel's read marker as this client knows it. */
export interface ReadMarker {
  lastSeq: number;
  /** Mentions of the user after the marker (the server's count, plus live ones since). */
  mentions: number;
}

interface ReadStatesState {
  markers: Record<string, ReadMarker>;
}

export const useReadStates = create<ReadStatesState>(() => ({ markers: {} }));

export function setMarkers(markers: Record<string, ReadMarker>): void {
  useReadStates.setState({ markers });
}

/** A MESSAGE_ACK (from this device or another): the marker moves, its mentions are the server's count. */
export function setMarker(channelId: string, marker: ReadMarker): void {
  const { markers } = useReadStates.getState();
  useReadStates.setState({ markers: { ...markers, [channelId]: marker } });
}

/** A live message that mentions the user, after the marker. */
export function addMention(channelId: string): void {
  const { markers } = useReadStates.getState();
  const current = markers[channelId] ?? { lastSeq: 0, mentions: 0 };
  useReadStates.setState({ markers: { ...markers, [channelId]: { ...current, mentions: current.mentions + 1 } } });
}

export function markerOf(channelId: string): ReadMarker {
  return useReadStates.getState().markers[channelId] ?? { lastSeq: 0, mentions: 0 };
}
