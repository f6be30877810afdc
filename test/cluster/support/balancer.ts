import net from 'node:net';

/**
 * A round-robin TCP load balancer in front of the nodes, as a deployment would have: each new
 * connection goes to the next node, skipping nodes that refuse it (crashed, stopped). Connections
 * already relayed to a node that dies are reset, as a real balancer's would be. Clients' REST calls
 * (sends, gap-fills, GET /gateway) go through it, so they reach a live node whatever the faults.
 */
export class Balancer {
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  private next = 0;
  private listeningPort = 0;

  private constructor(private readonly ports: readonly number[]) {
    this.server = net.createServer((client) => this.relay(client));
  }

  static async start(ports: readonly number[]): Promise<Balancer> {
    const balancer = new Balancer(ports);
    await new Promise<void>((resolve) => balancer.server.listen(0, '127.0.0.1', resolve));
    const address = balancer.server.address();
    if (address === null || typeof address === 'string') throw new Error('balancer has no port');
    balancer.listeningPort = address.port;
    return balancer;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.listeningPort}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: net.Socket): void {
    client.pause();
    this.track(client);
    client.on('error', () => client.destroy());
    this.dial(client, 0);
  }

  private dial(client: net.Socket, tried: number): void {
    if (client.destroyed) return;
    if (tried >= this.ports.length) {
      client.destroy();
      return;
    }
    const port = this.ports[this.next++ % this.ports.length]!;
    const upstream = net.connect(port, '127.0.0.1');
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      this.track(upstream);
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      if (connected) client.destroy();
      else this.dial(client, tried + 1);
    });
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}
