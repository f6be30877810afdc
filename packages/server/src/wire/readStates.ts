import type { MessageAckEvent, ReadState } from '@concord/protocol';
import type { ReadStateRecord } from '../stores/records';

/** `mentionCount` is passed in: it is counted live from the store, not the value stored at ack time. */
export function toReadState(state: ReadStateRecord, mentionCount: number): ReadState {
  return {
    id: state.channelId,
    last_message_id: state.lastMessageId,
    mention_count: mentionCount,
    last_seq: state.lastReadSeq,
  };
}

export function toMessageAckEvent(state: ReadStateRecord, version: number): MessageAckEvent {
  return {
    channel_id: state.channelId,
    message_id: state.lastMessageId,
    mention_count: state.mentionCount,
    seq: state.lastReadSeq,
    version,
  };
}
