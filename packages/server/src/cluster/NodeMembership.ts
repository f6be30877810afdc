import type { FastifyBaseLogger } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { Discovery, NodeInfo } from '../discovery/Discovery';

/** Sessions one node process is sized for (the open-files limit here is 20,000 per process). */
export const NODE_SESSION_CAPACITY = 19_000;

/**
 * This node's entry in service discovery: registered once listening, renewed with its load while
 * it runs, removed first thing on shutdown so no new client is sent here while it drains.
 */
export class NodeMembership {
  readonly id = randomBytes(8).toString('hex');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly discovery: Discovery,
    private readonly url: string,
    private readonly connections: () => number,
    private readonly renewEveryMs: number,
    private readonly logger: FastifyBaseLogger,
  ) {}

  async join(): Promise<void> {
    await this.discovery.register(this.info());
    this.timer = setInterval(() => {
      const { connections, load } = this.info();
      this.discovery.update({ connections, load }).catch((err: unknown) => {
        this.logger.warn({ err }, 'could not renew the discovery entry');
      });
    }, this.renewEveryMs);
    this.timer.unref();
  }

  async leave(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.discovery.deregister().catch((err: unknown) => this.logger.warn({ err }, 'could not deregister'));
  }

  private info(): NodeInfo {
    const connections = this.connections();
    return { id: this.id, url: this.url, connections, load: connections / NODE_SESSION_CAPACITY };
  }
}
