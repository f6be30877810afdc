import { access, constants } from 'node:fs/promises';
import net from 'node:net';

/** A reason the cluster cannot start, with what to do about it. */
export class PreflightError extends Error {
  override name = 'PreflightError';
}

/** nginx is not installed by default; say how to get it rather than failing on a spawn error. */
export async function requireNginx(binary: string): Promise<void> {
  try {
    await access(binary, constants.X_OK);
  } catch {
    throw new PreflightError(
      [
        `nginx is not installed (looked for ${binary}). Install it, then run this again:`,
        '  sudo apt-get update && sudo apt-get install -y nginx-light   # or: nginx',
        'Elsewhere, install nginx and point CONCORD_CLUSTER_NGINX at the binary.',
      ].join('\n'),
    );
  }
}

/** Fails when a port the cluster needs is taken (often: a cluster from an earlier run still running). */
export async function requireFreePorts(ports: number[]): Promise<void> {
  for (const port of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (!free) {
      throw new PreflightError(
        `port ${port} on 127.0.0.1 is in use (a cluster from an earlier run still running?). ` +
          'Stop it, or pick other ports with CONCORD_CLUSTER_PORT.',
      );
    }
  }
}

/** NATS must be up before the nodes start: they connect at start-up and stop when they cannot. */
export async function requireNats(natsUrl: string): Promise<void> {
  const first = new URL(natsUrl.split(',')[0] ?? natsUrl);
  const host = first.hostname;
  const port = Number(first.port || 4222);
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
  if (!reachable) {
    throw new PreflightError(
      [
        `NATS is not reachable at ${host}:${port}. Start a server with JetStream (presence and discovery live in`,
        'its key-value buckets), e.g.:',
        `  nats-server -js -a ${host} -p ${port}`,
        'or point CONCORD_CLUSTER_NATS_URL at yours.',
      ].join('\n'),
    );
  }
}
