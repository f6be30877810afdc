import net from 'node:net';

/**
 * A TCP relay between a client and a server that a test can cut: `cut()` resets every connection
 * through it (the client sees its broker vanish), `block()` refuses new ones until `unblock()` (the
 * client stays cut off and keeps retrying). Shared by the NATS and PostgreSQL fault tests.
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  private blocked = false;
  private listeningPort = 0;

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => this.relay(client));
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    const address = proxy.server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    proxy.listeningPort = address.port;
    return proxy;
  }

  /** The local port clients connect to instead of the target's. */
  get port(): number {
    return this.listeningPort;
  }

  /** The proxy as a NATS server URL. */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  cut(): void {
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
  }

  block(): void {
    this.blocked = true;
    this.cut();
  }

  unblock(): void {
    this.blocked = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: net.Socket): void {
    if (this.blocked) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
