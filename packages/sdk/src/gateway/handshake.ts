import type { IdentifyData, PresenceUpdateData } from '@concord/protocol';

/** IDENTIFY and RESUME carry a bot's token without the "Bot " prefix (as on Discord), a user's token as is. */
export function gatewayToken(token: string): string {
  return token.startsWith('Bot ') ? token.slice(4) : token;
}

/** Op 3 wants every field; fill in Discord's defaults for the ones left out. */
export function presencePayload(presence: PresenceUpdateData): Required<PresenceUpdateData> {
  return {
    since: presence.since ?? null,
    activities: presence.activities ?? [],
    status: presence.status,
    afk: presence.afk ?? false,
  };
}

export function defaultProperties(): IdentifyData['properties'] {
  const platform = (globalThis as { process?: { platform?: string } }).process?.platform;
  return { os: platform ?? 'browser', browser: 'concord-sdk', device: 'concord-sdk' };
}
