/**
 * `npm run cluster`: a local Concord cluster — 3 nodes (127.0.0.1:8081–8083) sharing the machine's
 * PostgreSQL and NATS, behind nginx on 127.0.0.1:8080 — in the foreground until Ctrl-C or SIGTERM.
 *
 * Settings (all optional): CONCORD_CLUSTER_PORT (balancer port; nodes take the next ones),
 * CONCORD_CLUSTER_NODES (3), CONCORD_CLUSTER_DATABASE_URL (postgres://postgres@127.0.0.1:5432/concord_cluster,
 * created with the C collation when missing), CONCORD_CLUSTER_NATS_URL (nats://127.0.0.1:4222),
 * CONCORD_CLUSTER_NGINX (/usr/sbin/nginx). Other CONCORD_* variables (CONCORD_LOG_LEVEL,
 * CONCORD_RATE_LIMITS, CONCORD_PRESENCE_TTL_MS, …) reach every node.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ensureServerBuild, ensureWebBuild, SERVER_NODE_ARGS } from './build';
import { ensureDatabase, redactedUrl } from './cluster/database';
import { ManagedProcess } from './cluster/ManagedProcess';
import { writeNginxPrefix } from './cluster/nginxConfig';
import { clusterOptions, nodePort, OptionsError, type ClusterOptions } from './cluster/options';
import { PreflightError, requireFreePorts, requireNats, requireNginx } from './cluster/preflight';
import { waitUntilReady } from './cluster/readiness';

const repoRoot = path.resolve(import.meta.dirname, '..');
/** Long enough for a node to send its sessions RECONNECT and finish what is in flight. */
const NODE_STOP_GRACE_MS = 20_000;
const NGINX_STOP_GRACE_MS = 5_000;
const READY_TIMEOUT_MS = 60_000;
const SECOND_SIGNAL_AFTER_MS = 1_000;

function say(text: string): void {
  process.stdout.write(`cluster| ${text}\n`);
}

function nodeEnv(options: ClusterOptions, index: number): NodeJS.ProcessEnv {
  const port = nodePort(options, index);
  const balancerOrigins = [`http://127.0.0.1:${options.balancerPort}`, `http://localhost:${options.balancerPort}`];
  const origins = [process.env.CONCORD_ALLOWED_ORIGINS, ...balancerOrigins].filter((o) => o !== undefined && o !== '');
  return {
    ...process.env,
    CONCORD_LOG_LEVEL: process.env.CONCORD_LOG_LEVEL || 'info',
    CONCORD_HOST: '127.0.0.1',
    CONCORD_PORT: String(port),
    // Clients that ask GET /api/v10/gateway are sent straight to the least-loaded node at this URL.
    CONCORD_PUBLIC_URL: `http://127.0.0.1:${port}`,
    CONCORD_DATABASE_URL: options.databaseUrl,
    CONCORD_NATS_URL: options.natsUrl,
    CONCORD_TRUST_PROXY: 'true',
    // A page served through the balancer may open its socket on a node directly.
    CONCORD_ALLOWED_ORIGINS: origins.join(','),
    // Unused with PostgreSQL, but keeps anything a node writes out of the work tree.
    CONCORD_DATA_DIR: path.join(options.dir, `node${index}`),
  };
}

function startNode(options: ClusterOptions, index: number): ManagedProcess {
  return new ManagedProcess({
    name: `node${index}`,
    command: process.execPath,
    args: [...SERVER_NODE_ARGS],
    env: nodeEnv(options, index),
    cwd: repoRoot,
    logFile: path.join(options.dir, 'logs', `node${index}.log`),
  });
}

async function main(): Promise<number> {
  const options = clusterOptions(process.env);
  const indexes = Array.from({ length: options.nodeCount }, (_, i) => i + 1);
  const balancerUrl = `http://127.0.0.1:${options.balancerPort}`;

  await requireNginx(options.nginx);
  await requireFreePorts([options.balancerPort, ...indexes.map((i) => nodePort(options, i))]);
  await requireNats(options.natsUrl);
  const database = await ensureDatabase(options.databaseUrl);

  await rm(options.dir, { recursive: true, force: true });
  await mkdir(path.join(options.dir, 'logs'), { recursive: true });
  const nginxConf = await writeNginxPrefix(
    options.dir,
    `127.0.0.1:${options.balancerPort}`,
    indexes.map((i) => `127.0.0.1:${nodePort(options, i)}`),
  );

  say(`database ${redactedUrl(options.databaseUrl)} (${database}), NATS ${options.natsUrl}`);
  await ensureWebBuild();
  await ensureServerBuild();
  const nodes = indexes.map((i) => startNode(options, i));
  let nginx: ManagedProcess | undefined;
  let stopping: Promise<void> | undefined;

  const stopAll = (): Promise<void> => {
    stopping ??= (async () => {
      say('stopping: SIGTERM to the nodes (they leave discovery, send their sessions RECONNECT, finish requests)');
      const statuses = await Promise.all(nodes.map((node) => node.stop('SIGTERM', NODE_STOP_GRACE_MS)));
      statuses.forEach((status, i) => say(`node${i + 1} stopped (${status.signal ?? `exit ${status.code}`})`));
      if (nginx !== undefined) {
        // SIGQUIT: nginx's graceful shutdown (finish open requests, then exit).
        const status = await nginx.stop('SIGQUIT', NGINX_STOP_GRACE_MS);
        say(`nginx stopped (${status.signal ?? `exit ${status.code}`})`);
      }
      say(`logs kept in ${path.join(options.dir, 'logs')}`);
    })();
    return stopping;
  };

  let interrupted = false;
  let firstSignalAt = 0;
  const finished = new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (interrupted) {
        // npm and tsx pass Ctrl-C on as well: only a second press, a moment later, means "now".
        if (Date.now() - firstSignalAt < SECOND_SIGNAL_AFTER_MS) return;
        say(`${signal} again: killing everything now`);
        for (const child of [...nodes, ...(nginx === undefined ? [] : [nginx])]) child.kill();
        return;
      }
      interrupted = true;
      firstSignalAt = Date.now();
      say(`${signal} received`);
      void stopAll().then(() => resolve(0));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
  });

  try {
    await Promise.all(
      nodes.map((node, i) =>
        waitUntilReady(`http://127.0.0.1:${nodePort(options, i + 1)}/readyz`, node, READY_TIMEOUT_MS),
      ),
    );
    nginx = new ManagedProcess({
      name: 'nginx',
      command: options.nginx,
      args: ['-p', options.dir, '-c', nginxConf, '-g', 'daemon off;'],
      env: process.env,
      cwd: options.dir,
      logFile: path.join(options.dir, 'logs', 'nginx.out.log'),
    });
    await waitUntilReady(`${balancerUrl}/readyz`, nginx, 10_000);
  } catch (error) {
    if (interrupted) return finished;
    console.error(`cluster: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll();
    return 1;
  }

  // A node that dies is reported and left down: the balancer routes around it (try `kill <pid>`).
  nodes.forEach((node) => {
    void node.exited.then((status) => {
      if (!interrupted) {
        say(
          `${node.name} exited (${status.signal ?? `exit ${status.code}`}); the balancer sends its traffic to the others`,
        );
      }
    });
  });
  const balancer = nginx;
  void balancer.exited.then((status) => {
    if (interrupted) return;
    console.error(`cluster: nginx exited (${status.signal ?? `exit ${status.code}`}); stopping the cluster`);
    interrupted = true;
    void stopAll().then(() => process.exit(1));
  });

  say('');
  say(`Concord cluster is running at ${balancerUrl}  (nginx → ${options.nodeCount} nodes)`);
  nodes.forEach((node, i) => say(`  ${node.name}  http://127.0.0.1:${nodePort(options, i + 1)}  pid ${node.pid}`));
  say(`  nginx  pid ${balancer.pid}, config ${nginxConf}`);
  say(`  logs   ${path.join(options.dir, 'logs')} (access.log, error.log, node<N>.log)`);
  say(`  metrics stay off the balancer: http://127.0.0.1:${nodePort(options, 1)}/metrics (and each node's)`);
  say(`Ctrl-C (or kill ${process.pid}) stops everything.`);
  return finished;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof PreflightError || error instanceof OptionsError) {
      console.error(`cluster: ${error.message}`);
      process.exit(2);
    }
    console.error('cluster: failed:', error);
    process.exit(1);
  },
);
