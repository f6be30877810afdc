import path from 'node:path';
import { createApp } from './app';
import { ConfigError, parseConfig } from './config';
import { systemClock } from './domain/clock';
import { SnowflakeGenerator } from './domain/snowflake';
import { createLogger } from './logger';
import { openPostgresStore } from './stores/postgres/openPostgresStore';
import { openSqliteStore } from './stores/sqlite/openSqliteStore';

/** The composition root: the only place that reads the environment, opens engines and listens. */
async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`concord: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config);
  const ids = new SnowflakeGenerator(config.workerId, systemClock);
  // Cluster mode when a database URL is given; otherwise the embedded SQLite file.
  const store =
    config.databaseUrl !== undefined
      ? await openPostgresStore({
          connectionString: config.databaseUrl,
          ids,
          onConnectionError: (err) => logger.warn({ err }, 'a pooled database connection failed'),
        })
      : await openSqliteStore({ file: path.join(config.dataDir, 'concord.db'), ids });
  const app = await createApp({ config, store, ids, logger });
  await app.http.listen({ port: config.port, host: config.host });
  const address = app.http.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info({ dataDir: config.dataDir, port }, 'concord is listening');
  // The one line a person starting Concord looks for.
  process.stdout.write(`Concord is running at ${config.publicUrl.replace(`:${config.port}`, `:${port}`)}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
