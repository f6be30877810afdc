// PLACEHOLDER: replaced by the real service.
import type { ServiceDeps } from './index';

export class GuildService {
  constructor(readonly deps: ServiceDeps) {}
}
