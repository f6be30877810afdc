export interface HeartbeaterOptions {
  /** HELLO's `heartbeat_interval`, in ms. */
  intervalMs: number;
  /** Sends one HEARTBEAT frame. */
  beat(): void;
  /** The previous heartbeat was never acknowledged: the connection is a zombie. */
  onZombie(): void;
  random?: () => number;
  now?: () => number;
}

/**
 * Heartbeats for one connection, as Discord specifies: the first after `interval × jitter` (so a
 * thousand clients reconnecting together do not beat in lockstep), then every interval. A heartbeat
 * that is due while the previous one is still unacknowledged means the connection is dead even if
 * TCP has not noticed (a "zombie"), and the client must reconnect.
 */
export class Heartbeater {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private awaitingAck = false;
  private sentAt = 0;
  private stopped = false;
  /** Round trip of the last acknowledged heartbeat, in ms. */
  latencyMs: number | undefined;

  constructor(private readonly options: HeartbeaterOptions) {}

  start(): void {
    const random = this.options.random ?? Math.random;
    this.schedule(Math.floor(this.options.intervalMs * random()));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The server asked for a heartbeat (op 1): send one now; the schedule stays as it was. */
  beatNow(): void {
    if (this.stopped) return;
    this.send();
  }

  /** HEARTBEAT_ACK arrived. */
  ack(): void {
    if (!this.awaitingAck) return;
    this.awaitingAck = false;
    this.latencyMs = this.now() - this.sentAt;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => this.tick(), delayMs);
  }

  private tick(): void {
    if (this.stopped) return;
    if (this.awaitingAck) {
      this.stop();
      this.options.onZombie();
      return;
    }
    this.send();
    this.schedule(this.options.intervalMs);
  }

  private send(): void {
    this.awaitingAck = true;
    this.sentAt = this.now();
    this.options.beat();
  }

  private now(): number {
    return (this.options.now ?? (() => performance.now()))();
  }
}
