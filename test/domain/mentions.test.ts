import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PARSED_MENTIONS, parseMentions } from '../../packages/server/src/domain/mentions';

describe('parseMentions', () => {
  it('finds user, nickname-style user, role, @everyone and @here mentions', () => {
    expect(parseMentions('hi <@123> <@!456> <@&789> @everyone and @here')).toEqual({
      userIds: ['123', '456'],
      roleIds: ['789'],
      everyone: true,
      here: true,
    });
  });

  it('deduplicates, keeping the order of first appearance', () => {
    expect(parseMentions('<@2> <@1> <@!2> <@&5> <@&5> <@1>')).toEqual({
      userIds: ['2', '1'],
      roleIds: ['5'],
      everyone: false,
      here: false,
    });
  });

  it('ignores things that only look like mentions', () => {
    const parsed = parseMentions('<@> <@abc> <@ 1> <#123> <@&> @everyoneelse @hereby email@example.com <@1 @@everyone');
    expect(parsed.userIds).toEqual([]);
    expect(parsed.roleIds).toEqual([]);
    expect(parsed.here).toBe(false);
    // "@@everyone" still contains "@everyone" followed by a word boundary.
    expect(parsed.everyone).toBe(true);
    expect(parseMentions('plain text').everyone).toBe(false);
  });

  it('rejects digit runs that cannot be 64-bit snowflakes', () => {
    expect(parseMentions('<@18446744073709551615>').userIds).toEqual(['18446744073709551615']);
    expect(parseMentions('<@18446744073709551616>').userIds).toEqual([]);
    expect(parseMentions('<@123456789012345678901>').userIds).toEqual([]);
  });

  it(`stops after ${MAX_PARSED_MENTIONS} distinct mentions`, () => {
    const content = Array.from({ length: MAX_PARSED_MENTIONS + 50 }, (_, i) => `<@${i + 1}>`).join('');
    expect(parseMentions(content).userIds).toHaveLength(MAX_PARSED_MENTIONS);
  });

  it('finds exactly the ids that were written, whatever surrounds them', () => {
    const id = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
    const filler = fc.string({ maxLength: 20 }).map((s) => s.replace(/[<@>]/g, ''));
    fc.assert(
      fc.property(fc.array(fc.tuple(filler, id, fc.boolean())), (parts) => {
        const content = parts.map(([text, userId, role]) => `${text}<@${role ? '&' : ''}${userId}>`).join('');
        const parsed = parseMentions(content);
        expect(parsed.userIds).toEqual([...new Set(parts.filter(([, , r]) => !r).map(([, u]) => u))]);
        expect(parsed.roleIds).toEqual([...new Set(parts.filter(([, , r]) => r).map(([, u]) => u))]);
      }),
    );
  });
});
