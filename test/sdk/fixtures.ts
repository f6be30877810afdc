import type { Channel, GatewayGuild, ReadyData, SyncMessage, User } from '@concord/protocol';
import {
  GatewayClient,
  MemoryCursorStore,
  type CursorStore,
  type GatewayClientOptions,
  type GatewayError,
} from '@concord/sdk';
import WebSocket from 'ws';
import { FakeGateway, type FakeConnection } from './fakeGateway';
import { FakeRest } from './fakeRest';

export const ME: User = {
  id: '100',
  username: 'me',
  discriminator: '0',
  global_name: null,
  avatar: null,
  public_flags: 0,
};

export function message(channelId: string, seq: number, extra: Partial<SyncMessage> = {}): SyncMessage {
  return {
    id: String(1_000_000 + seq),
    channel_id: channelId,
    author: ME,
    content: `message ${seq}`,
    timestamp: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: 0,
    flags: 0,
    seq,
    ...extra,
  };
}

/** A deleted message as `after_seq` lists it. */
export function tombstone(channelId: string, seq: number): SyncMessage {
  return message(channelId, seq, { content: '', deleted: true });
}

export function dmChannel(id: string, lastSeq: number): Channel {
  return { id, type: 1, flags: 0, last_seq: lastSeq, last_message_id: null, recipients: [] };
}

export function guildChannel(id: string, guildId: string, lastSeq: number, type = 0): Channel {
  return { id, type, guild_id: guildId, name: `c${id}`, flags: 0, last_seq: lastSeq, position: 0 };
}

export function ready(overrides: Partial<ReadyData> = {}): ReadyData {
  return {
    v: 10,
    user: ME,
    guilds: [],
    private_channels: [],
    session_id: 'session-1',
    session_type: 'normal',
    resume_gateway_url: '',
    read_state: { version: 1, partial: false, entries: [] },
    presences: [],
    relationships: [],
    ...overrides,
  };
}

export function guild(id: string, channels: Channel[], extra: Partial<GatewayGuild> = {}): GatewayGuild {
  return {
    id,
    name: `guild ${id}`,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: ME.id,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    joined_at: new Date(0).toISOString(),
    large: false,
    unavailable: false,
    member_count: 1,
    members: [],
    channels,
    threads: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    ...extra,
  };
}

/** A fake gateway + fake REST pair and the clients made against them, torn down together. */
export class Harness {
  readonly clients: GatewayClient[] = [];
  /** Every error each client reported, by client. */
  readonly errors = new Map<GatewayClient, GatewayError[]>();

  private constructor(
    readonly gateway: FakeGateway,
    readonly rest: FakeRest,
  ) {}

  static async start(): Promise<Harness> {
    const [gateway, rest] = await Promise.all([FakeGateway.start(), FakeRest.start()]);
    rest.gatewayUrl = gateway.url;
    return new Harness(gateway, rest);
  }

  /** A client with test-friendly timings (fast backoff, 10–20 ms INVALID_SESSION wait). */
  client(options: Partial<GatewayClientOptions> & { cursors?: CursorStore } = {}): GatewayClient {
    const client = new GatewayClient({
      api: this.rest.api(),
      token: 'user-token',
      WebSocket,
      cursors: new MemoryCursorStore(),
      reconnectBackoff: { baseMs: 20, maxMs: 200 },
      syncRetry: { baseMs: 10, maxMs: 50 },
      invalidSessionDelayMs: [10, 20],
      random: () => 0.5,
      ...options,
    });
    const errors: GatewayError[] = [];
    this.errors.set(client, errors);
    client.on('error', (error) => errors.push(error));
    this.clients.push(client);
    return client;
  }

  async stop(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.close()));
    await Promise.all([this.gateway.close(), this.rest.close()]);
  }
}

/** Server side of a fresh session: HELLO, wait for IDENTIFY, READY (+ GUILD_CREATEs). Returns IDENTIFY's `d`. */
export async function acceptIdentify(
  connection: FakeConnection,
  readyData: ReadyData = ready(),
  guilds: GatewayGuild[] = [],
  heartbeatIntervalMs = 45_000,
): Promise<unknown> {
  connection.hello(heartbeatIntervalMs);
  const identify = await connection.next(2);
  connection.dispatch('READY', readyData);
  for (const g of guilds) connection.dispatch('GUILD_CREATE', g);
  return identify.d;
}

/** Collects the seqs of ordered `message` events per channel. */
export function collectMessages(client: GatewayClient): Map<string, number[]> {
  const seen = new Map<string, number[]>();
  client.on('message', (m) => seen.set(m.channel_id, [...(seen.get(m.channel_id) ?? []), m.seq]));
  return seen;
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
