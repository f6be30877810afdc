import { DiscoveryError, MAX_WORKER_ID, type Discovery, type NodeInfo, type NodeStats } from './Discovery';

/**
 * Discovery for an embedded node, which is the whole cluster: it lists itself and holds the worker
 * id from its configuration, which nothing else can take.
 */
export class InProcessDiscovery implements Discovery {
  private node: NodeInfo | undefined;

  constructor(private readonly workerId: number) {
    if (!Number.isInteger(workerId) || workerId < 0 || workerId > MAX_WORKER_ID) {
      throw new RangeError(`worker id must be 0..${MAX_WORKER_ID}, got ${workerId}`);
    }
  }

  async register(node: NodeInfo): Promise<void> {
    this.node = { ...node };
  }

  async update(stats: NodeStats): Promise<void> {
    if (this.node === undefined) throw new DiscoveryError('NOT_REGISTERED', 'update before register');
    this.node = { ...this.node, connections: stats.connections, load: stats.load };
  }

  async deregister(): Promise<void> {
    this.node = undefined;
  }

  async liveNodes(): Promise<NodeInfo[]> {
    return this.node === undefined ? [] : [{ ...this.node }];
  }

  async leaseWorkerId(): Promise<number> {
    return this.workerId;
  }

  onWorkerIdLost(): () => void {
    // Nobody else can take an embedded node's id.
    return () => {};
  }

  async close(): Promise<void> {
    this.node = undefined;
  }
}
