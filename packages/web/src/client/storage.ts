import type { PresenceStatus } from '@concord/protocol';

/** What this browser remembers between visits: the session token, a device id, the chosen status. */
const TOKEN = 'concord.token';
const DEVICE = 'concord.device';
const STATUS = 'concord.status';

export type ChosenStatus = Exclude<PresenceStatus, 'offline'>;

export function savedToken(): string | undefined {
  return localStorage.getItem(TOKEN) ?? undefined;
}

export function saveToken(token: string | undefined): void {
  if (token === undefined) localStorage.removeItem(TOKEN);
  else localStorage.setItem(TOKEN, token);
}

/** A stable id of this browser, so a reload replaces its own gateway session instead of adding one. */
export function deviceId(): string {
  let id = localStorage.getItem(DEVICE);
  if (id === null) {
    id = crypto.randomUUID();
    localStorage.setItem(DEVICE, id);
  }
  return id;
}

export function savedStatus(): ChosenStatus {
  const value = localStorage.getItem(STATUS);
  return value === 'idle' || value === 'dnd' || value === 'invisible' ? value : 'online';
}

export function saveStatus(status: ChosenStatus): void {
  localStorage.setItem(STATUS, status);
}

/** A label for the sessions list: "Chrome on Linux". */
export function deviceLabel(): string {
  const ua = navigator.userAgent;
  const browser = /Firefox\//.test(ua)
    ? 'Firefox'
    : /Edg\//.test(ua)
      ? 'Edge'
      : /Chrom/.test(ua)
        ? 'Chrome'
        : 'Browser';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac OS/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : 'unknown OS';
  return `${browser} on ${os}`;
}
