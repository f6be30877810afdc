import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { textFrameHeaderLength, writeTextFrameHeader } from '../../packages/server/src/gateway/Connection';

/** ws's own framing (exported as `Sender`, untyped by @types/ws): the reference our dispatch headers must match. */
const { Sender } = ws as unknown as {
  Sender: {
    frame(
      data: Buffer,
      options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean },
    ): Buffer[];
  };
};

describe('dispatch frame headers', () => {
  it("are the bytes ws's Sender.frame writes for a server's text frame, at every length boundary", () => {
    for (const length of [0, 1, 125, 126, 127, 1_000, 65_535, 65_536, 70_000, 16_777_216]) {
      const [reference] = Sender.frame(Buffer.alloc(length), {
        fin: true,
        opcode: 1,
        mask: false,
        readOnly: false,
        rsv1: false,
      });
      const ours = Buffer.alloc(textFrameHeaderLength(length));
      writeTextFrameHeader(ours, length);
      expect(ours.toString('hex'), `length ${length}`).toBe(reference!.toString('hex'));
    }
  });
});
