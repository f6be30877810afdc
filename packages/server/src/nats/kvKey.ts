const SAFE_TOKEN = /^[A-Za-z0-9_-]+$/;

/**
 * One token of a KV key (the part between dots) for an arbitrary id. Ids made of safe characters
 * (snowflakes, hex session ids) stay readable; anything else becomes `=` + base64url, which a safe
 * token can never start with, so two ids never share a key and a dot in an id never splits one.
 */
export function kvToken(id: string): string {
  return SAFE_TOKEN.test(id) ? id : `=${Buffer.from(id, 'utf8').toString('base64url')}`;
}

/** Bucket names are stream names: NATS allows letters, digits, `_` and `-`. */
export function assertBucketName(name: string): void {
  if (!SAFE_TOKEN.test(name)) throw new RangeError(`invalid NATS KV bucket name "${name}"`);
}
