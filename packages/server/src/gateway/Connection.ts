import type WebSocket from 'ws';

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
  constructor(private readonly socket: WebSocket) {}

  sendText(text: string): void {
    if (this.isOpen) this.socket.send(text);
  }

  sendDispatch(prefix: Buffer, s: number): void {
    if (!this.isOpen) return;
    // One frame, one write: copying a few hundred bytes costs far less than the second socket write
    // that sending the tail as its own fragment would take (the write dominated fan-out profiles).
    const tail = `${s}}`;
    const frame = Buffer.allocUnsafe(prefix.length + tail.length);
    prefix.copy(frame, 0);
    frame.write(tail, prefix.length, 'latin1');
    this.socket.send(frame, { binary: false });
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
    return this.socket.readyState === this.socket.OPEN;
  }
}

/**
 * Builds the shared prefix of a dispatch frame; `dataJson` is used as is. Allocated outside Node's
 * 8 KB Buffer pool: resume buffers keep prefixes for minutes, and a pooled slice would keep its
 * whole slab alive with it.
 */
export function dispatchPrefix(type: string, dataJson: string): Buffer {
  const text = `{"op":0,"t":${JSON.stringify(type)},"d":${dataJson},"s":`;
  const prefix = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  prefix.write(text);
  return prefix;
}
