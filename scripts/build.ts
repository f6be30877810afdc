/**
 * Builds what a node runs, each part only when it is missing or older than its sources:
 * - the web client (Vite, into packages/web/dist), served by every node;
 * - the server (esbuild, into packages/server/dist/node/main.mjs): plain JavaScript for `node`, so a
 *   running node carries no TypeScript compiler, and functions keep their own names (tsx compiles
 *   with esbuild's `keepNames`, which gives every named closure a dictionary-mode `name` property:
 *   ~650 bytes per gateway session and a defineProperty per closure created on hot paths).
 *
 * `npm start` runs this before the node; the browser tests, the benchmark and `npm run cluster` call
 * the `ensure…` functions. `npm run build` always builds both.
 */
import esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The server bundle. Its directory sits as deep as packages/server/src/http, whose relative paths it keeps. */
export const SERVER_ENTRY = path.join(root, 'packages/server/dist/node/main.mjs');
/**
 * `node` arguments that run a node as `npm start` does (package.json's `start` says the same):
 * - `--enable-source-maps`: stack traces point at the TypeScript sources.
 * - `--heap-growing-percent=100`: the next full GC comes when the old generation has doubled since
 *   the last one, not at V8's default of a few tens of percent more. A node's old generation is mostly
 *   long-lived session state (~9 KB per connection) that every full GC must mark again; under load,
 *   frames kept for RESUME are promoted at a few MB/s, and at the default growth 10,000 sessions got a
 *   full mark (~200 ms of incremental marking on one core) every 3 s, which showed as the p99 of sends.
 *   Measured at 5,000 DMs/s: p99 122 → 34 ms, idle RSS per session unchanged (read after a full GC).
 */
export const SERVER_NODE_ARGS: readonly string[] = ['--enable-source-maps', '--heap-growing-percent=100', SERVER_ENTRY];

interface Target {
  name: string;
  /** The file whose mtime stands for the build. */
  output: string;
  /** Files and directories whose change makes the build stale (relative to the repository root). */
  sources: string[];
  build(): void | Promise<void>;
}

const WEB: Target = {
  name: 'web',
  output: path.join(root, 'packages/web/dist/index.html'),
  sources: [
    'packages/web/src',
    'packages/web/public',
    'packages/web/index.html',
    'packages/web/vite.config.ts',
    'packages/sdk/src',
    'packages/protocol/src',
  ],
  build() {
    const vite = path.join(root, 'node_modules/vite/bin/vite.js');
    execFileSync(process.execPath, [vite, 'build', '--config', 'packages/web/vite.config.ts', '--logLevel', 'warn'], {
      cwd: root,
      stdio: 'inherit',
    });
  },
};

const SERVER: Target = {
  name: 'server',
  output: SERVER_ENTRY,
  sources: ['packages/server/src', 'packages/protocol/src', 'package-lock.json', 'scripts/build.ts'],
  async build() {
    // Our workspace packages are bundled (they are TypeScript); every npm dependency stays an import.
    await esbuild.build({
      entryPoints: [path.join(root, 'packages/server/src/main.ts')],
      outfile: SERVER_ENTRY,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'linked',
      logLevel: 'warning',
      plugins: [
        {
          name: 'external-dependencies',
          setup(build) {
            build.onResolve({ filter: /^[^./]/ }, (args) =>
              args.path.startsWith('@concord/') ? undefined : { path: args.path, external: true },
            );
          },
        },
      ],
    });
  },
};

function newestMtime(target: string): number {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs
    .readdirSync(target)
    .reduce((newest, name) => Math.max(newest, newestMtime(path.join(target, name))), stat.mtimeMs);
}

function isFresh(target: Target): boolean {
  const built = fs.statSync(target.output, { throwIfNoEntry: false });
  if (built === undefined) return false;
  return target.sources.every((source) => newestMtime(path.join(root, source)) <= built.mtimeMs);
}

/** Builds `target` when stale. Two processes (test workers, a start) may both find it stale: one builds, the other waits. */
async function ensureBuilt(target: Target): Promise<void> {
  const lock = path.join(os.tmpdir(), `concord-${target.name}-build.lock`);
  const deadline = Date.now() + 180_000;
  while (!isFresh(target)) {
    let locked = false;
    try {
      fs.mkdirSync(lock);
      locked = true;
    } catch {
      // Another process is building (or died building: a lock older than 3 minutes is dropped).
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 180_000) fs.rmSync(lock, { recursive: true, force: true });
    }
    if (locked) {
      try {
        if (!isFresh(target)) await target.build();
      } finally {
        fs.rmSync(lock, { recursive: true, force: true });
      }
      return;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for another process to build the ${target.name}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Builds packages/web/dist with Vite when it is missing or older than its sources. */
export function ensureWebBuild(): Promise<void> {
  return ensureBuilt(WEB);
}

/** Builds the server bundle (SERVER_ENTRY) when it is missing or older than its sources. */
export function ensureServerBuild(): Promise<void> {
  return ensureBuilt(SERVER);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--force')) {
    WEB.build();
    await SERVER.build();
  } else {
    await ensureWebBuild();
    await ensureServerBuild();
  }
}
