import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, peekEnvelopeId } from '../../packages/server/src/gateway/EventEnvelope';

describe('EventEnvelope', () => {
  const header = { id: 'n0dE-tag_1:42', type: 'MESSAGE_CREATE', route: { kind: 'users' as const, userIds: ['1'] } };

  it('round-trips a header and the data JSON as is', () => {
    const payload = encodeEnvelope(header, '{"content":"hi\\n"}');
    expect(decodeEnvelope(payload)).toEqual({ header, dataJson: '{"content":"hi\\n"}' });
  });

  it('peeks the id of an envelope it encoded without decoding it', () => {
    expect(peekEnvelopeId(encodeEnvelope(header, '{}'))).toBe('n0dE-tag_1:42');
  });

  it('peeks nothing where the id is not plainly first: the caller decodes instead', () => {
    // An id JSON had to escape is not taken at face value.
    expect(peekEnvelopeId(encodeEnvelope({ ...header, id: 'a"b' }, '{}'))).toBeUndefined();
    expect(peekEnvelopeId(encodeEnvelope({ ...header, id: 'a\\b' }, '{}'))).toBeUndefined();
    expect(peekEnvelopeId('{"type":"X","id":"1"}\n{}')).toBeUndefined();
    expect(peekEnvelopeId('{"id":"unterminated')).toBeUndefined();
    expect(peekEnvelopeId('')).toBeUndefined();
  });
});
