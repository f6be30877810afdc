import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import { PrefixSlabs } from './PrefixSlabs';

/**
 * One client socket, as the session sees it. Keeping `ws` behind this port lets the session logic be
 * tested without sockets and keeps framing details in one place.
 */
export interface Connection {
  /** A complete text frame (HELLO, HEARTBEAT_ACK, …). */
  sendText(text: string): void;
  /**
   * A dispatch: the shared, pre-serialized `{"op":0,"t":…,"d":…,"s":` prefix, then this session's
   * sequence number and the closing brace. The event is serialized once for every recipient; only
   * the few tail bytes differ.
   */
  sendDispatch(prefix: Buffer, s: number): void;
  close(code: number, reason: string): void;
  /** Drops the connection without a close handshake (a peer that will not answer one). */
  terminate(): void;
  /** Bytes queued in user space and not yet handed to the kernel. */
  readonly bufferedAmount: number;
  readonly isOpen: boolean;
}

export class WsConnection implements Connection {
  /** `raw` is the upgraded TCP (or TLS) socket under `socket`. */
  constructor(
    private readonly socket: WebSocket,
    private readonly raw: Duplex,
  ) {}

  sendText(text: string): void {
    if (this.isOpen) this.socket.send(text);
  }

  sendDispatch(prefix: Buffer, s: number): void {
    if (!this.isOpen) return;
    // One frame, header included, in one buffer and one socket write. Dispatches are most of what a
    // node writes, and ws.send would write the header and the payload as two corked chunks through
    // the stream machinery: in fan-out profiles that cost more per delivery than building the frame.
    // ws frames nothing of its own meanwhile (no compression), so frames never interleave.
    const tail = `${s}}`;
    const length = prefix.length + tail.length;
    const headerLength = textFrameHeaderLength(length);
    const frame = Buffer.allocUnsafe(headerLength + length);
    writeTextFrameHeader(frame, length);
    prefix.copy(frame, headerLength);
    frame.write(tail, headerLength + prefix.length, 'latin1');
    this.raw.write(frame);
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }

  terminate(): void {
    this.socket.terminate();
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN && this.raw.writable;
  }
}

/** Bytes of the header of an unmasked frame with `length` payload bytes (RFC 6455 §5.2). */
export function textFrameHeaderLength(length: number): number {
  return length < 126 ? 2 : length < 65_536 ? 4 : 10;
}

/**
 * Writes the header of one final, unmasked text frame of `length` payload bytes at the start of
 * `target`: the bytes ws's `Sender.frame` writes for a server's text frame (a test holds the two
 * equal at every length boundary).
 */
export function writeTextFrameHeader(target: Buffer, length: number): void {
  target[0] = 0x81; // FIN, opcode 1 (text)
  if (length < 126) {
    target[1] = length;
  } else if (length < 65_536) {
    target[1] = 126;
    target.writeUInt16BE(length, 2);
  } else {
    target[1] = 127;
    target.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    target.writeUInt32BE(length >>> 0, 6);
  }
}

const prefixSlabs = new PrefixSlabs();

/** Builds the shared prefix of a dispatch frame; `dataJson` is used as is (see PrefixSlabs for where it lives). */
export function dispatchPrefix(type: string, dataJson: string): Buffer {
  return prefixSlabs.encode(`{"op":0,"t":${JSON.stringify(type)},"d":${dataJson},"s":`);
}
