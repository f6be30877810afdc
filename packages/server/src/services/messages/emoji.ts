import { ErrorCode } from '@concord/protocol';
import { DomainError } from '../../domain/errors';

/**
 * One emoji from Unicode's recommended-for-general-interchange set: a single character, a
 * skin-tone or ZWJ sequence, a flag, a keycap. Built with the `v` flag, which TypeScript's ES2023
 * target would refuse in a literal.
 */
const RGI_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');
const VARIATION_SELECTOR_16 = '\uFE0F';

/**
 * The emoji of a reaction path, as stored: a valid unicode emoji in its fully-qualified form, so
 * "❤" and "❤️" are one reaction. Custom emoji (`name:id`, `a:name:id`) do not exist in Concord, and
 * anything that is not an emoji is just as unknown: both are 10014.
 */
export function parseReactionEmoji(raw: string): string {
  if (RGI_EMOJI.test(raw)) return raw;
  const qualified = raw + VARIATION_SELECTOR_16;
  if (!raw.endsWith(VARIATION_SELECTOR_16) && RGI_EMOJI.test(qualified)) return qualified;
  throw new DomainError(ErrorCode.UnknownEmoji);
}
