// PLACEHOLDER: replaced by the real service.
import type { ServiceDeps } from './index';

export class MessageService {
  constructor(readonly deps: ServiceDeps) {}
}
