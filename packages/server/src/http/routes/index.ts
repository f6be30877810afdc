import type { Config } from '../../config';
import type { Discovery } from '../../discovery/Discovery';
import type { Services } from '../../services';
import type { HttpServer } from '../server';
import { registerApplicationRoutes } from './applications';
import { registerAuthRoutes } from './auth';
import { registerChannelRoutes } from './channels';
import { registerGatewayRoutes } from './gateway';
import { registerGuildRoutes } from './guilds';
import { registerMessageRoutes } from './messages';
import { registerUserRoutes } from './users';

/** Every REST route, mounted under /api/v10. One file per resource. */
export function registerApiRoutes(
  api: HttpServer,
  services: Services,
  config: Config,
  discovery: Discovery | undefined,
): void {
  registerGatewayRoutes(api, config, discovery);
  registerAuthRoutes(api, services);
  registerUserRoutes(api, services);
  registerApplicationRoutes(api, services);
  registerGuildRoutes(api, services);
  registerChannelRoutes(api, services);
  registerMessageRoutes(api, services);
}
