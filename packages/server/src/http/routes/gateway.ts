import type { GatewayBotInfo } from '@concord/protocol';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config';
import type { Discovery } from '../../discovery/Discovery';
import { gatewayUrl } from '../../gateway/upgrade';
import type { HttpServer } from '../server';

/**
 * Where clients open their WebSocket. In a cluster, the least-loaded live node (clients connect to
 * it directly); on one node, this node (or the configured public URL).
 */
export function registerGatewayRoutes(api: HttpServer, config: Config, discovery: Discovery | undefined): void {
  const urlFor = async (request: FastifyRequest): Promise<string> => {
    if (discovery !== undefined) {
      const [best] = await discovery.liveNodes().catch(() => []);
      if (best !== undefined) return `${best.url.replace(/\/+$/, '').replace(/^http/, 'ws')}/gateway`;
    }
    return gatewayUrl(config, request.headers.host, request.protocol === 'https');
  };

  api.get('/gateway', { config: { auth: 'public' } }, async (request) => ({ url: await urlFor(request) }));

  // discord.js reads this before connecting; it requires session_start_limit.
  api.get('/gateway/bot', { config: { auth: 'required' } }, async (request): Promise<GatewayBotInfo> => ({
    url: await urlFor(request),
    shards: 1,
    session_start_limit: { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: 1 },
  }));
}
