import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../servers';
import type { SeedLayout, SeedOutput } from './seedConcord';

const run = promisify(execFile);
const MIGRATIONS = path.join(repoRoot, 'packages/server/src/stores/sql/migrations');

/**
 * Gives a fresh Concord data directory seeded with a run's layout and history messages.
 * Seeding a million messages takes about a minute, so a seeded database is kept under the OS temp
 * directory, keyed by the sizes and the schema (the migration files), and copied for each run.
 */
export async function seededDataDir(
  dataDir: string,
  layout: SeedLayout,
  useCache: boolean,
  log: (line: string) => void,
): Promise<SeedOutput> {
  const key = createHash('sha256')
    .update(JSON.stringify(layout))
    .update(fs.readFileSync(path.join(repoRoot, 'bench/seed/seedConcord.ts')))
    .update(
      fs
        .readdirSync(MIGRATIONS)
        .sort()
        .map((f) => fs.readFileSync(path.join(MIGRATIONS, f), 'utf8'))
        .join('\n'),
    )
    .digest('hex')
    .slice(0, 16);
  const cacheDir = path.join(os.tmpdir(), 'concord-bench-cache', key);
  const cachedDb = path.join(cacheDir, 'concord.db');
  const cachedSeed = path.join(cacheDir, 'seed.json');
  if (!useCache || !fs.existsSync(cachedSeed)) {
    log(
      `  seeding ${layout.users.toLocaleString('en-US')} users, their guilds and DMs, and ${layout.historyMessages.toLocaleString('en-US')} history messages…`,
    );
    fs.rmSync(cacheDir, { recursive: true, force: true });
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmpSeed = `${cachedSeed}.tmp`;
    const layoutFile = path.join(cacheDir, 'layout.json');
    fs.writeFileSync(layoutFile, JSON.stringify(layout));
    await run(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'bench/seed/seedConcord.ts'), cacheDir, layoutFile, tmpSeed],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
    );
    fs.renameSync(tmpSeed, cachedSeed);
  } else log(`  using the seeded database cached in ${cacheDir}`);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.copyFileSync(cachedDb, path.join(dataDir, 'concord.db'));
  const seed = JSON.parse(fs.readFileSync(cachedSeed, 'utf8')) as SeedOutput;
  log(`  seed ready (${seed.seconds.toFixed(1)} s when it was made)`);
  return seed;
}
