import type { Message } from '@concord/protocol';
import type { ConcordApi } from '@concord/sdk';
import { expect } from 'vitest';
import { deliveryProblems, readChannel, waitUntil } from './checks';
import type { ClusterDevice } from './clusterDevice';
import type { SendLoad } from './sendLoad';

/**
 * What must hold once a fault is over and the load has stopped, over the whole recorded history:
 * - I1: every acknowledged message is stored, at the seq and with the id it was acknowledged with;
 * - I4: no nonce made two messages (content is the nonce), abandoned ones exist at most once;
 * - I6: every device reaches every channel's head within `convergeMs`;
 * - I2, I3, I7: every device got every stored message after its start exactly once, in seq order,
 *   with the stored id.
 */
export async function expectHistoriesIntact(options: {
  load: SendLoad;
  devices: ClusterDevice[];
  /** The channels each device must follow, with the seq each started after. */
  channelsOf: (device: ClusterDevice) => string[];
  startSeq: Map<string, number>;
  /** A reader on a node that was not faulted last. */
  reader: ConcordApi;
  convergeMs?: number;
}): Promise<{ stored: Map<string, Message[]> }> {
  const { load, devices, startSeq, reader } = options;
  expect(load.refusals).toEqual([]);
  const stored = new Map<string, Message[]>();
  for (const channelId of startSeq.keys())
    stored.set(channelId, await readChannel(reader, channelId, startSeq.get(channelId)));

  const lost: string[] = [];
  for (const ack of load.acks) {
    const message = stored.get(ack.channelId)?.find((m) => m.seq === ack.seq);
    if (message?.id !== ack.id || message.content !== ack.nonce) {
      lost.push(`${ack.nonce} acknowledged as ${ack.id} at seq ${ack.seq}, stored: ${message?.id ?? 'nothing'}`);
    }
  }
  expect(lost).toEqual([]);
  for (const [channelId, messages] of stored) {
    const byContent = new Map<string, number>();
    for (const m of messages) byContent.set(m.content, (byContent.get(m.content) ?? 0) + 1);
    expect(
      [...byContent].filter(([, count]) => count > 1),
      `duplicated sends in ${channelId}`,
    ).toEqual([]);
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => startSeq.get(channelId)! + 1 + i));
  }

  for (const device of devices) {
    for (const channelId of options.channelsOf(device)) {
      const head = stored.get(channelId)!.at(-1)?.seq ?? startSeq.get(channelId)!;
      await waitUntil(
        () => device.lastSeq(channelId) >= head,
        options.convergeMs ?? 15_000,
        `${device.name} to converge to seq ${head} in ${channelId} (at ${device.lastSeq(channelId)}, state ${device.client.state})`,
      );
    }
  }
  const problems = devices.flatMap((device) =>
    options
      .channelsOf(device)
      .flatMap((channelId) => deliveryProblems(device, channelId, stored.get(channelId)!, startSeq.get(channelId)!)),
  );
  expect(problems).toEqual([]);
  return { stored };
}
