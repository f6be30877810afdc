/**
 * Builds the web client (packages/web/dist) only when it is missing or older than its sources:
 * `npm start` runs this before the node, and the browser tests call `ensureWebBuild()`.
 * `npm run build:web` always builds.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'packages/web/dist/index.html');
/** Sources whose change makes the build stale. */
const SOURCES = [
  'packages/web/src',
  'packages/web/public',
  'packages/web/index.html',
  'packages/web/vite.config.ts',
  'packages/sdk/src',
  'packages/protocol/src',
];
/** Two processes (test workers, a start) may both find the build stale: one builds, the other waits. */
const LOCK = path.join(os.tmpdir(), 'concord-web-build.lock');

function newestMtime(target: string): number {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs
    .readdirSync(target)
    .reduce((newest, name) => Math.max(newest, newestMtime(path.join(target, name))), stat.mtimeMs);
}

function isFresh(): boolean {
  const built = fs.statSync(dist, { throwIfNoEntry: false });
  if (built === undefined) return false;
  return SOURCES.every((source) => newestMtime(path.join(root, source)) <= built.mtimeMs);
}

/** Builds packages/web/dist with Vite when it is missing or older than its sources. */
export async function ensureWebBuild(): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (!isFresh()) {
    let locked = false;
    try {
      fs.mkdirSync(LOCK);
      locked = true;
    } catch {
      // Another worker is building (or died building: a lock older than 3 minutes is dropped).
      const age = Date.now() - (fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 180_000) fs.rmSync(LOCK, { recursive: true, force: true });
    }
    if (locked) {
      try {
        if (!isFresh()) {
          const vite = path.join(root, 'node_modules/vite/bin/vite.js');
          execFileSync(
            process.execPath,
            [vite, 'build', '--config', 'packages/web/vite.config.ts', '--logLevel', 'warn'],
            {
              cwd: root,
              stdio: 'inherit',
            },
          );
        }
      } finally {
        fs.rmSync(LOCK, { recursive: true, force: true });
      }
      return;
    }
    if (Date.now() > deadline) throw new Error('timed out waiting for another worker to build the web client');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await ensureWebBuild();
