// PLACEHOLDER: replaced by the real service.
import type { ServiceDeps } from './index';

export class ReadStateService {
  constructor(readonly deps: ServiceDeps) {}
}
