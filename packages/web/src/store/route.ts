import { create } from 'zustand';

/** Where the app is, read from the URL (the node serves index.html for every app path). */
export type Route =
  | { kind: 'login' }
  | { kind: 'home'; channelId: string | undefined }
  | { kind: 'guild'; guildId: string; channelId: string | undefined }
  | { kind: 'invite'; code: string };

export function parseRoute(pathname: string): Route {
  const parts = pathname
    .split('/')
    .filter((part) => part.length > 0)
    .map(decodeURIComponent);
  if (parts[0] === 'invite' && parts[1] !== undefined) return { kind: 'invite', code: parts[1] };
  if (parts[0] === 'login') return { kind: 'login' };
  if (parts[0] === 'channels' && parts[1] !== undefined && parts[1] !== '@me') {
    return { kind: 'guild', guildId: parts[1], channelId: parts[2] };
  }
  return { kind: 'home', channelId: parts[0] === 'channels' ? parts[2] : undefined };
}

export function pathOf(route: Route): string {
  switch (route.kind) {
    case 'login':
      return '/login';
    case 'invite':
      return `/invite/${encodeURIComponent(route.code)}`;
    case 'home':
      return route.channelId === undefined ? '/channels/@me' : `/channels/@me/${route.channelId}`;
    case 'guild':
      return `/channels/${route.guildId}${route.channelId === undefined ? '' : `/${route.channelId}`}`;
  }
}

export const useRoute = create<{ route: Route }>(() => ({ route: parseRoute(window.location.pathname) }));

export function navigate(route: Route, replace = false): void {
  const path = pathOf(route);
  if (window.location.pathname !== path) {
    if (replace) window.history.replaceState(null, '', path);
    else window.history.pushState(null, '', path);
  }
  useRoute.setState({ route });
}

/** Follows the browser's back and forward buttons (called once at start-up). */
export function listenToHistory(): void {
  window.addEventListener('popstate', () => useRoute.setState({ route: parseRoute(window.location.pathname) }));
}
