// PLACEHOLDER: replaced by the real service.
import type { ServiceDeps } from './index';

export class ChannelService {
  constructor(readonly deps: ServiceDeps) {}
}
