import fc from 'fast-check';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseDigest } from '../support/dbDigest';
import { RawGateway } from '../support/rawGateway';
import { startServer, type TestServer, type TestUser } from '../support/testServer';
import { connectReady, joinGuild, makeGuild, messageWith, sleep, until, type TestGuild } from './support/gateway';
import { expectedOutcome, MAX_FRAME_BYTES, type Outcome } from './support/frameOracle';

/**
 * Bad input at the gateway, by property: for every client opcode — valid payloads, valid payloads
 * with one thing mutated, truncated text, random JSON and strings, frames over the size limit,
 * hostile nesting, prototype keys, binary frames — the server ends in the close code (or reply) the
 * protocol prescribes (support/frameOracle.ts), before and after IDENTIFY. Afterwards the database
 * is byte-for-byte what it was, the node's session counters return to their baseline, and a normal
 * client still identifies and receives messages.
 */

const RESUME_WINDOW_MS = 1_000;

let server: TestServer;
let setup: TestGuild;
let alice: TestUser;
let dbFile: string;
let digestBefore: string;
beforeAll(async () => {
  server = await startServer({ gateway: { heartbeatIntervalMs: 60_000, resumeWindowMs: RESUME_WINDOW_MS } });
  setup = await makeGuild(server);
  alice = await server.user();
  await joinGuild(setup, alice);
  await setup.owner.api.sendMessage(setup.channelId, { content: 'state before fuzzing' });
  dbFile = path.join(server.dataDir, 'concord.db');
  digestBefore = databaseDigest(dbFile);
});
afterAll(() => server.close());

// ---- generators ---------------------------------------------------------------------------

const text = (max: number) => fc.string({ maxLength: max });
const snowflake = fc.bigInt({ min: 1n, max: (1n << 63n) - 1n }).map(String);
const status = fc.constantFrom('online', 'idle', 'dnd', 'invisible', 'offline');
const activity = fc.record(
  { name: text(20), type: fc.integer({ min: 0, max: 6 }), url: fc.option(text(20)), state: fc.option(text(20)) },
  { requiredKeys: ['name', 'type'] },
);
const presenceData = fc.record(
  {
    since: fc.option(fc.nat()),
    activities: fc.array(activity, { maxLength: 3 }),
    status,
    afk: fc.boolean(),
  },
  { requiredKeys: ['status'] },
);
const identifyData = fc.record(
  {
    token: fc.string({ minLength: 1, maxLength: 80 }),
    properties: fc.record({ os: text(10), browser: text(10), device: text(10) }, { requiredKeys: [] }),
    intents: fc.integer({ min: 0, max: (1 << 26) - 1 }),
    compress: fc.boolean(),
    large_threshold: fc.integer({ min: 50, max: 250 }),
    shard: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 4 })),
    presence: presenceData,
    capabilities: fc.integer(),
    device_id: fc.string({ minLength: 1, maxLength: 20 }),
  },
  { requiredKeys: ['token', 'properties'] },
);
const resumeData = fc.record({
  token: fc.string({ minLength: 1, maxLength: 80 }),
  session_id: fc.string({ minLength: 1, maxLength: 64 }),
  seq: fc.option(fc.nat()),
});
const membersData = fc.record(
  {
    guild_id: fc.oneof(snowflake, fc.array(snowflake, { minLength: 1, maxLength: 3 })),
    query: text(20),
    limit: fc.integer({ min: 0, max: 1000 }),
    presences: fc.boolean(),
    user_ids: fc.oneof(snowflake, fc.array(snowflake, { maxLength: 3 })),
    nonce: text(32),
  },
  { requiredKeys: ['guild_id'] },
);

/** A well-formed frame of each client opcode. */
const validFrame: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ op: fc.constant(1), d: fc.option(fc.nat()) }),
  fc.record({ op: fc.constant(2), d: identifyData }),
  fc.record({ op: fc.constant(3), d: presenceData }),
  fc.record({ op: fc.constant(4), d: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ op: fc.constant(6), d: resumeData }),
  fc.record({ op: fc.constant(8), d: membersData }),
);

const hostile = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, '', -1, 1.5, 1e308, '9'.repeat(30), 'x'.repeat(600), [], {}, true, '\u0000'),
);

/** One key of `d` (or the frame) removed, replaced with a hostile value, or added; or op / d retyped. */
const mutatedFrame = fc
  .tuple(validFrame, fc.nat(), hostile, fc.constantFrom('drop', 'replace', 'add', 'd', 'op', 's', 't'))
  .map(([frame, index, value, how]) => {
    const copy = JSON.parse(JSON.stringify(frame)) as Record<string, unknown>;
    const target =
      typeof copy.d === 'object' && copy.d !== null && !Array.isArray(copy.d)
        ? (copy.d as Record<string, unknown>)
        : copy;
    const keys = Object.keys(target);
    const key = keys.length > 0 ? keys[index % keys.length]! : 'x';
    if (how === 'drop') delete target[key];
    else if (how === 'replace') target[key] = value;
    else if (how === 'add') target[`extra${index % 3}`] = value;
    else copy[how] = value;
    return JSON.stringify(copy);
  });

/** A valid frame's text cut short or with a character spliced in. */
const corruptedText = fc
  .tuple(validFrame, fc.nat(), fc.string({ minLength: 1, maxLength: 2 }))
  .map(([frame, index, splice]) => {
    const textForm = JSON.stringify(frame);
    const at = index % textForm.length;
    return index % 2 === 0 ? textForm.slice(0, at) : textForm.slice(0, at) + splice + textForm.slice(at);
  });

/** Nesting around an otherwise acceptable payload (op 4 takes any `d`), and deep JSON anywhere. */
const deepNesting = fc
  .tuple(fc.integer({ min: 1, max: 6_000 }), fc.boolean(), fc.constantFrom(1, 4, 99))
  .map(([depth, arrays, op]) => {
    const [open, shut] = arrays ? ['[', ']'] : ['{"a":', '}'];
    return `{"op":${op},"d":${open.repeat(depth)}${arrays ? '' : '0'}${shut.repeat(depth)}}`;
  });

const oversized = fc
  .integer({ min: MAX_FRAME_BYTES - 20, max: MAX_FRAME_BYTES * 3 })
  .map((size) => `{"op":1,"d":null}${' '.repeat(Math.max(0, size - 17))}`);

const prototypeKeys = fc
  .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), validFrame)
  .map(([key, frame]) => JSON.stringify(frame).replace(/^\{/, `{"${key}":{"isAdmin":true},`));

const randomFrames = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? 'null'),
  fc.record({ op: fc.integer({ min: -3, max: 60 }), d: fc.jsonValue({ maxDepth: 3 }) }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
);

type Input = { text: string } | { binary: Uint8Array };
const anyInput: fc.Arbitrary<Input> = fc.oneof(
  { weight: 3, arbitrary: validFrame.map((frame) => ({ text: JSON.stringify(frame) })) },
  { weight: 4, arbitrary: mutatedFrame.map((t) => ({ text: t })) },
  { weight: 2, arbitrary: corruptedText.map((t) => ({ text: t })) },
  { weight: 2, arbitrary: randomFrames.map((t) => ({ text: t })) },
  { weight: 1, arbitrary: deepNesting.map((t) => ({ text: t })) },
  { weight: 1, arbitrary: oversized.map((t) => ({ text: t })) },
  { weight: 1, arbitrary: prototypeKeys.map((t) => ({ text: t })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((binary) => ({ binary })) },
);

// ---- driving one socket -------------------------------------------------------------------

function expected(input: Input, authenticated: boolean): Outcome {
  return 'binary' in input ? { close: 4002 } : expectedOutcome(input.text, authenticated);
}

/** Sends the input and resolves what the server did, as an Outcome. */
async function observe(gw: RawGateway, input: Input, want: Outcome): Promise<Outcome> {
  const before = gw.frames.length;
  if ('binary' in input) gw.sendRaw(Buffer.from(input.binary), true);
  else gw.sendRaw(input.text);
  if ('close' in want) {
    const code = await gw.closed();
    return { close: code };
  }
  if ('reply' in want) {
    await gw.waitFor((f) => gw.frames.indexOf(f) >= before && f.op === want.reply);
    return gw.closeCode === undefined ? want : { close: gw.closeCode };
  }
  // Accepted silently: a heartbeat round trip (answered in order) shows the socket is still open.
  gw.send({ op: 1, d: null });
  await gw.waitFor((f) => gw.frames.indexOf(f) >= before && f.op === 11).catch(() => undefined);
  return gw.closeCode === undefined ? want : { close: gw.closeCode };
}

describe('gateway input fuzzing', () => {
  it('before IDENTIFY: every frame ends in the prescribed close code or reply', async () => {
    await fc.assert(
      fc.asyncProperty(anyInput, async (input) => {
        const gw = await RawGateway.connect(server.baseUrl);
        try {
          await gw.waitFor((f) => f.op === 10);
          const want = expected(input, false);
          expect(await observe(gw, input, want)).toEqual(want);
        } finally {
          gw.terminate();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('after IDENTIFY: every frame ends in the prescribed close code, or is accepted', async () => {
    await fc.assert(
      fc.asyncProperty(anyInput, async (input) => {
        const gw = await connectReady(server, alice.token);
        try {
          const want = expected(input, true);
          expect(await observe(gw, input, want)).toEqual(want);
        } finally {
          gw.close(1000);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('left the stored state unchanged, leaks no sessions, and the node still serves a normal client', async () => {
    expect(databaseDigest(dbFile)).toBe(digestBefore);
    // Sessions closed with a resumable code wait out the resume window, then end.
    await sleep(RESUME_WINDOW_MS);
    await until(() => server.app.gateway.stats().sessions === 0, 5_000);
    const gw = await connectReady(server, alice.token);
    await setup.owner.api.sendMessage(setup.channelId, { content: 'after fuzzing' });
    await gw.waitFor(messageWith('after fuzzing'));
    gw.close();
  });
});
