import type { FastifyBaseLogger } from 'fastify';
import path from 'node:path';
import type { Bus } from './bus/Bus';
import { InProcessBus } from './bus/InProcessBus';
import type { Config } from './config';
import type { Discovery } from './discovery/Discovery';
import { InProcessDiscovery } from './discovery/InProcessDiscovery';
import { systemClock } from './domain/clock';
import { SnowflakeGenerator } from './domain/snowflake';
import { InProcessPresenceStore } from './presence/InProcessPresenceStore';
import type { Metrics } from './metrics/Metrics';
import type { PresenceStore } from './presence/PresenceStore';
import type { Store } from './stores/ports';

/** The engines behind the four ports, chosen by configuration. */
export interface Engines {
  store: Store;
  bus: Bus;
  presence: PresenceStore;
  discovery: Discovery;
  /** Whether other nodes may exist (NATS configured): discovery then decides where clients connect. */
  clustered: boolean;
  ids: SnowflakeGenerator;
}

/**
 * Opens the engines: embedded (SQLite file, in-process bus/presence/discovery) by default,
 * PostgreSQL with `CONCORD_DATABASE_URL`, NATS with `CONCORD_NATS_URL`. Drivers are imported only
 * when configured. The snowflake worker id comes from discovery, so two live nodes never share one.
 */
export async function openEngines(config: Config, logger: FastifyBaseLogger, metrics: Metrics): Promise<Engines> {
  const observer = { commitBatch: (size: number) => metrics.commitBatchSize.observe(size) };
  const servers = config.natsUrl?.split(',');
  const natsLogger = logger.child({ component: 'nats' });
  let bus: Bus = new InProcessBus();
  let presence: PresenceStore = new InProcessPresenceStore();
  let discovery: Discovery = new InProcessDiscovery(config.workerId);
  if (servers !== undefined) {
    const [{ openNatsBus }, { openNatsPresenceStore }, { openNatsDiscovery }] = await Promise.all([
      import('./bus/NatsBus'),
      import('./presence/NatsPresenceStore'),
      import('./discovery/NatsDiscovery'),
    ]);
    [bus, presence, discovery] = await Promise.all([
      openNatsBus({ servers, name: 'concord-bus', prefix: config.natsPrefix, logger: natsLogger }),
      openNatsPresenceStore({
        servers,
        name: 'concord-presence',
        bucket: `${config.natsPrefix}_presence`,
        ttlMs: config.presenceTtlMs,
        logger: natsLogger,
      }),
      openNatsDiscovery({
        servers,
        name: 'concord-discovery',
        bucket: `${config.natsPrefix}_discovery`,
        ttlMs: config.presenceTtlMs,
        logger: natsLogger,
      }),
    ]);
  }
  const workerId = await discovery.leaseWorkerId();
  const ids = new SnowflakeGenerator(workerId, systemClock);
  let store: Store;
  if (config.databaseUrl !== undefined) {
    const { openPostgresStore } = await import('./stores/postgres/openPostgresStore');
    store = await openPostgresStore({
      connectionString: config.databaseUrl,
      ids,
      onConnectionError: (err) => logger.warn({ err }, 'a pooled database connection failed'),
      observer,
      commitIntervalMs: config.commitIntervalMs,
    });
  } else {
    const { openSqliteStore } = await import('./stores/sqlite/openSqliteStore');
    store = await openSqliteStore({
      file: path.join(config.dataDir, 'concord.db'),
      ids,
      observer,
      commitIntervalMs: config.commitIntervalMs,
    });
  }
  logger.info(
    {
      workerId,
      store: config.databaseUrl === undefined ? 'sqlite' : 'postgres',
      bus: servers === undefined ? 'in-process' : 'nats',
    },
    'engines open',
  );
  return { store, bus, presence, discovery, clustered: servers !== undefined, ids };
}
