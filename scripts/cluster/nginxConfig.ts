import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const TEMPLATE = path.resolve(import.meta.dirname, '../../deploy/nginx/concord.local.conf.template');

/** Fills the template's {{PLACEHOLDERS}}; an unknown or unfilled one is a bug in the template or here. */
export function renderNginxConfig(template: string, values: { listen: string; upstreams: string[] }): string {
  const fills: Record<string, string> = {
    LISTEN: values.listen,
    UPSTREAM_SERVERS: values.upstreams
      .map((address) => `        server ${address} max_fails=3 fail_timeout=10s;`)
      .join('\n'),
  };
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (match, key: string) => {
    // The header comment names the placeholders in general; only real ones are filled.
    if (key === 'PLACEHOLDERS') return match;
    const fill = fills[key];
    if (fill === undefined) throw new Error(`nginx template: unknown placeholder ${match}`);
    return fill;
  });
}

/**
 * Lays out nginx's prefix directory (config, logs/, temp/) and answers the config's path. Started as
 * root, nginx's workers run as nobody and must still write request bodies and buffers under temp/.
 */
export async function writeNginxPrefix(dir: string, listen: string, upstreams: string[]): Promise<string> {
  const template = await readFile(TEMPLATE, 'utf8');
  await mkdir(path.join(dir, 'logs'), { recursive: true });
  await chmod(dir, 0o755);
  for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    const tempDir = path.join(dir, 'temp', sub);
    await mkdir(tempDir, { recursive: true });
    await chmod(tempDir, 0o777);
  }
  await chmod(path.join(dir, 'temp'), 0o755);
  const file = path.join(dir, 'nginx.conf');
  await writeFile(file, renderNginxConfig(template, { listen, upstreams }));
  return file;
}
