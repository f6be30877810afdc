import type { NatsLogger } from './NatsLink';

/**
 * Logs the first failure of a streak and the recovery that ends it, with a count, instead of one line
 * per failed write: while the broker is away, a renewal round fails once per session.
 */
export class OutageLog {
  private failures = 0;

  constructor(
    private readonly logger: NatsLogger,
    private readonly what: string,
  ) {}

  failed(error: unknown, details: object = {}): void {
    this.failures += 1;
    if (this.failures === 1) this.logger.warn({ ...details, err: error }, `${this.what} failed; retrying`);
  }

  succeeded(): void {
    if (this.failures === 0) return;
    this.logger.info({ failures: this.failures }, `${this.what} works again`);
    this.failures = 0;
  }
}
