import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * The baseline: a minimal WebSocket relay with no auth and no storage, speaking just enough of
 * Concord's protocol that the same load generator drives it the same way:
 *
 * - `GET /gateway` (WebSocket): HELLO → IDENTIFY → READY, HEARTBEAT → HEARTBEAT_ACK, RESUME → replay
 *   from a small per-session buffer → RESUMED. The token is ignored. Membership comes from an
 *   extension field of IDENTIFY, `d.bench_channels: string[]`, the channel ids the session hears.
 * - `POST /api/v10/channels/:id/messages` {content, nonce}: assigns the channel's next `seq` (a
 *   per-channel counter), replies 200 with the message, and relays one MESSAGE_CREATE to the sockets
 *   of every session in that channel (the sender's own included, as Concord and Discord do).
 *
 * Frames are built once per message; each session appends its own `s`. Run:
 *   node --import tsx bench/baseline/relayServer.ts   (BASELINE_PORT=0, BASELINE_HEARTBEAT_INTERVAL_MS)
 */
const port = Number(process.env.BASELINE_PORT ?? 0);
const heartbeatInterval = Number(process.env.BASELINE_HEARTBEAT_INTERVAL_MS ?? 41_250);
const RESUME_BUFFER = 256;
const RESUME_WINDOW_MS = 180_000;

interface Session {
  id: string;
  socket: WebSocket | null;
  channels: string[];
  s: number;
  /** The last frames sent, for RESUME. */
  buffer: Array<{ s: number; frame: string }>;
  detachedAt: number;
}

const members = new Map<string, Set<Session>>();
const sessions = new Map<string, Session>();
const channelSeq = new Map<string, number>();
let nextSessionId = 1;
let nextMessageId = 1;

function emit(session: Session, prefix: string): void {
  session.s += 1;
  const frame = `${prefix}${session.s}}`;
  session.buffer.push({ s: session.s, frame });
  if (session.buffer.length > RESUME_BUFFER) session.buffer.shift();
  session.socket?.send(frame);
}

function relay(channelId: string, content: string, nonce: string | null): string {
  const seq = (channelSeq.get(channelId) ?? 0) + 1;
  channelSeq.set(channelId, seq);
  const message = JSON.stringify({
    id: String(nextMessageId++),
    channel_id: channelId,
    author: { id: '0' },
    content,
    nonce,
    seq,
  });
  const prefix = `{"op":0,"t":"MESSAGE_CREATE","d":${message},"s":`;
  const listeners = members.get(channelId);
  if (listeners !== undefined) for (const session of listeners) emit(session, prefix);
  return message;
}

const server = http.createServer((request, response) => {
  const match = /^\/api\/v10\/channels\/(\d+)\/messages$/.exec(request.url ?? '');
  if (request.method === 'GET' && request.url?.startsWith('/api/v10/gateway') === true) {
    const body = JSON.stringify({ url: `ws://${request.headers.host ?? '127.0.0.1'}/gateway` });
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
    return;
  }
  if (request.method !== 'POST' || match?.[1] === undefined) {
    response.writeHead(404, { 'content-length': 0 });
    response.end();
    return;
  }
  const channelId = match[1];
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    let parsed: { content?: unknown; nonce?: unknown };
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof parsed;
    } catch {
      response.writeHead(400, { 'content-length': 0 });
      response.end();
      return;
    }
    const content = typeof parsed.content === 'string' ? parsed.content : '';
    const nonce = typeof parsed.nonce === 'string' ? parsed.nonce : null;
    const body = relay(channelId, content, nonce);
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
});

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => accept(ws));
});

function accept(ws: WebSocket): void {
  let session: Session | null = null;
  ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: heartbeatInterval } }));
  ws.on('message', (data: Buffer) => {
    let frame: { op?: number; d?: Record<string, unknown> };
    try {
      frame = JSON.parse(data.toString('utf8')) as typeof frame;
    } catch {
      ws.close(4002, 'invalid JSON');
      return;
    }
    if (frame.op === 1) {
      ws.send('{"op":11}');
    } else if (frame.op === 2 && session === null) {
      const channels = Array.isArray(frame.d?.bench_channels) ? (frame.d.bench_channels as string[]) : [];
      session = { id: String(nextSessionId++), socket: ws, channels, s: 0, buffer: [], detachedAt: 0 };
      sessions.set(session.id, session);
      for (const channelId of channels) {
        let set = members.get(channelId);
        if (set === undefined) {
          set = new Set();
          members.set(channelId, set);
        }
        set.add(session);
      }
      emit(session, `{"op":0,"t":"READY","d":{"v":10,"session_id":"${session.id}","user":{"id":"0"}},"s":`);
    } else if (frame.op === 6 && session === null) {
      const found = sessions.get(String(frame.d?.session_id));
      const seq = Number(frame.d?.seq ?? 0);
      const oldest = found?.buffer[0]?.s ?? Number.POSITIVE_INFINITY;
      if (found === undefined || (seq < oldest - 1 && found.s > seq)) {
        ws.send('{"op":9,"d":false}');
        return;
      }
      found.socket?.terminate();
      found.socket = ws;
      session = found;
      for (const entry of found.buffer) if (entry.s > seq) ws.send(entry.frame);
      emit(found, '{"op":0,"t":"RESUMED","d":{},"s":');
    }
  });
  ws.on('close', (code) => {
    if (session === null || session.socket !== ws) return;
    session.socket = null;
    session.detachedAt = Date.now();
    if (code === 1000 || code === 1001) end(session);
  });
}

function end(session: Session): void {
  sessions.delete(session.id);
  for (const channelId of session.channels) members.get(channelId)?.delete(session);
}

setInterval(() => {
  const now = Date.now();
  for (const session of sessions.values()) {
    if (session.socket === null && now - session.detachedAt > RESUME_WINDOW_MS) end(session);
  }
}, 5_000).unref();

server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : port;
  process.stdout.write(`Baseline relay is running at http://127.0.0.1:${actual}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
