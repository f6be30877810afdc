import pg from 'pg';
import { PreflightError } from './preflight';

/** Collations that compare strings byte by byte, as SQLite does (and the conformance suite expects). */
const BYTEWISE_COLLATIONS = new Set(['C', 'POSIX', 'C.UTF-8', 'C.utf8']);

/** The URL with its password masked, for messages. */
export function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

/**
 * Makes sure the cluster's database exists, creating it with the C collation when missing: ordering and
 * comparison of text (invite codes, emoji) must then match the embedded SQLite store byte for byte.
 * Resolves what happened, for the start-up summary.
 */
export async function ensureDatabase(databaseUrl: string): Promise<'created' | 'existing'> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new PreflightError(`the database name in ${redactedUrl(databaseUrl)} must be a plain identifier`);
  }
  // The maintenance database every PostgreSQL server has, on the same server and as the same user.
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new PreflightError(
      `PostgreSQL is not reachable at ${redactedUrl(url.toString())}: ${String(error)}\n` +
        'Start it, or point CONCORD_CLUSTER_DATABASE_URL at yours.',
    );
  }
  try {
    const found = await admin.query<{ datcollate: string }>('select datcollate from pg_database where datname = $1', [
      name,
    ]);
    const existing = found.rows[0];
    if (existing !== undefined) {
      if (!BYTEWISE_COLLATIONS.has(existing.datcollate)) {
        console.error(
          `cluster: warning: database ${name} has collation ${existing.datcollate}; Concord expects C ` +
            '(text ordering differs from the embedded store). Drop it to let this script recreate it.',
        );
      }
      return 'existing';
    }
    // template0: the only template a different collation may be copied from.
    await admin.query(`create database "${name}" template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`);
    return 'created';
  } finally {
    await admin.end();
  }
}
