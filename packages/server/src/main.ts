import { createApp } from './app';
import { NodeMembership } from './cluster/NodeMembership';
import { ConfigError, parseConfig, type Config } from './config';
import { openEngines } from './engines';
import { createLogger } from './logger';
import { Metrics } from './metrics/Metrics';

/** The composition root: the only place that reads the environment, opens engines and listens. */
async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config);
  const metrics = new Metrics();
  const engines = await openEngines(config, logger, metrics);
  const { store, ids, bus, presence, discovery } = engines;
  const app = await createApp({
    config,
    store,
    ids,
    bus,
    presence,
    discovery: engines.clustered ? discovery : undefined,
    logger,
    metrics,
  });
  await app.http.listen({ port: config.port, host: config.host });
  const address = app.http.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const url = config.publicUrlSet ? config.publicUrl : config.publicUrl.replace(`:${config.port}`, `:${port}`);
  const membership = new NodeMembership(
    discovery,
    url,
    () => app.gateway.stats().connections,
    Math.max(1_000, Math.floor(config.presenceTtlMs / 3)),
    logger,
  );
  await membership.join();
  logger.info({ dataDir: config.dataDir, port, node: membership.id }, 'concord is listening');
  // The one line a person starting Concord looks for.
  process.stdout.write(`Concord is running at ${url}\n`);

  let stopping = false;
  const stop = (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    // Leave discovery first so no new client is sent here, then RECONNECT the sessions, finish
    // in-flight requests and close the engines.
    membership
      .leave()
      .then(() => app.close())
      .then(() => discovery.close())
      .then(
        () => process.exit(code),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  // Two live nodes must never mint the same ids: a node that lost its worker id stops.
  discovery.onWorkerIdLost((workerId) => {
    logger.error({ workerId }, 'worker id lease lost to another node; stopping');
    stop('worker id lost', 1);
  });
  process.on('SIGTERM', () => stop('SIGTERM', 0));
  process.on('SIGINT', () => stop('SIGINT', 0));
}

function readConfig(): Config {
  try {
    return parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`concord: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
}

void main().catch((error: unknown) => {
  console.error('concord: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
