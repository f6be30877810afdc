import type { GatewayBotInfo } from '@concord/protocol';
import type { Config } from '../../config';
import { gatewayUrl } from '../../gateway/upgrade';
import type { HttpServer } from '../server';

/** Where clients open their WebSocket: this node (or the configured public URL). */
export function registerGatewayRoutes(api: HttpServer, config: Config): void {
  api.get('/gateway', { config: { auth: 'public' } }, async (request) => ({
    url: gatewayUrl(config, request.headers.host, request.protocol === 'https'),
  }));

  // discord.js reads this before connecting; it requires session_start_limit.
  api.get('/gateway/bot', { config: { auth: 'required' } }, async (request): Promise<GatewayBotInfo> => ({
    url: gatewayUrl(config, request.headers.host, request.protocol === 'https'),
    shards: 1,
    session_start_limit: { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: 1 },
  }));
}
