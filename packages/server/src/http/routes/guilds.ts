// PLACEHOLDER: replaced by the real routes.
import type { Services } from '../../services';
import type { HttpServer } from '../server';

export function registerGuildRoutes(_api: HttpServer, _services: Services): void {}
