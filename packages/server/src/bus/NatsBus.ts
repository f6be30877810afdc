import type { Subscription } from '@nats-io/transport-node';
import { NatsLink, type NatsEndpoint, type NatsLogger } from '../nats/NatsLink';
import type { Bus, BusSubscription } from './Bus';

export interface NatsBusOptions extends NatsEndpoint {
  /**
   * Put before every subject (`<prefix>.guild.<id>`), so other applications, or a second Concord
   * cluster, on the same broker never see our traffic. Default `concord`.
   */
  prefix?: string;
}

/** Opens the cluster bus on its own connection: fan-out traffic never queues behind KV requests. */
export async function openNatsBus(options: NatsBusOptions): Promise<NatsBus> {
  const link = await NatsLink.open({ ...options, name: options.name ?? 'concord-bus' });
  return new NatsBus(link, options.prefix ?? 'concord');
}

/** Drops are counted and reported once per outage instead of once per message. */
interface DropReport {
  count: number;
  firstSubject: string;
}

/**
 * The cluster bus over core NATS subjects. Core NATS is at-most-once, as the `Bus` contract allows:
 * a message published while this node is cut off is dropped (and counted in the log), never
 * buffered without bound and never thrown at the publisher. Ordering per publisher and subject is
 * the broker's. Each `subscribe` is its own NATS subscription, so it sees only messages the broker
 * routes to it after it exists; nats.js re-sends every subscription after a reconnect.
 */
export class NatsBus implements Bus {
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();
  private readonly subscriptions = new Set<Subscription>();
  private readonly gapListeners = new Set<() => void>();
  private dropped: DropReport | undefined;
  private closed = false;

  constructor(
    private readonly link: NatsLink,
    private readonly prefix: string,
  ) {
    link.onReconnect(() => {
      this.reportDrops();
      // Whatever was published while we were cut off never reached our subscriptions.
      for (const listener of this.gapListeners) listener();
    });
  }

  private get logger(): NatsLogger {
    return this.link.logger;
  }

  publish(subject: string, payload: string): void {
    if (this.closed) return;
    if (!this.link.connected) {
      // nats.js would queue it until the next reconnect attempt throws the queue away: drop it now.
      this.drop(subject);
      return;
    }
    try {
      this.link.connection.publish(`${this.prefix}.${subject}`, this.encoder.encode(payload));
    } catch (error) {
      // A bad subject or an oversized payload is a bug upstream, but a publish never fails its caller.
      this.logger.error({ err: error, subject }, 'nats bus: publish failed, message dropped');
    }
  }

  subscribe(subject: string, handler: (payload: string) => void): BusSubscription {
    if (this.closed) return { unsubscribe() {} };
    const subscription = this.link.connection.subscribe(`${this.prefix}.${subject}`, {
      callback: (error, message) => {
        if (error !== null) {
          this.logger.error({ err: error, subject }, 'nats bus: subscription closed by the server');
          return;
        }
        try {
          handler(this.decoder.decode(message.data));
        } catch (handlerError) {
          // A throw would unwind into nats.js's protocol parser, in the middle of a socket read: one
          // bad event must stay one handler's problem.
          this.logger.error({ err: handlerError, subject }, 'nats bus: handler failed');
        }
      },
    });
    this.subscriptions.add(subscription);
    return {
      unsubscribe: () => {
        if (!this.subscriptions.delete(subscription)) return;
        if (!subscription.isClosed()) subscription.unsubscribe();
      },
    };
  }

  onGap(listener: () => void): () => void {
    this.gapListeners.add(listener);
    return () => this.gapListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscriptions.clear();
    await this.link.close();
  }

  private drop(subject: string): void {
    if (this.dropped === undefined) {
      this.dropped = { count: 0, firstSubject: subject };
      this.logger.warn({ subject }, 'nats bus: not connected, dropping published messages until reconnected');
    }
    this.dropped.count += 1;
  }

  private reportDrops(): void {
    if (this.dropped === undefined) return;
    this.logger.warn(
      { dropped: this.dropped.count, firstSubject: this.dropped.firstSubject },
      'nats bus: messages dropped while disconnected',
    );
    this.dropped = undefined;
  }
}
