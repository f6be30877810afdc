/**
 * What a message's text asks to mention, before anyone decides who is actually pinged: user
 * mentions `<@id>` / `<@!id>` (the legacy nickname form), role mentions `<@&id>`, and `@everyone` /
 * `@here`. Parsing is pure; resolving against permissions, membership and `allowed_mentions`
 * happens in the message service.
 */
export interface ParsedMentions {
  /** Distinct user ids, in order of first appearance. */
  userIds: string[];
  /** Distinct role ids, in order of first appearance. */
  roleIds: string[];
  everyone: boolean;
  here: boolean;
}

/** A snowflake is at most 20 digits; longer digit runs are not ids and are left as text. */
const MENTION = /<@(!|&)?([0-9]{1,20})>|@(everyone|here)\b/g;

/**
 * More mentions than this are not parsed: a 4,000-character message holds at most ~180, and every
 * mention costs a membership lookup when resolved.
 */
export const MAX_PARSED_MENTIONS = 200;

export function parseMentions(content: string): ParsedMentions {
  const users = new Set<string>();
  const roles = new Set<string>();
  let everyone = false;
  let here = false;
  for (const match of content.matchAll(MENTION)) {
    if (users.size + roles.size >= MAX_PARSED_MENTIONS) break;
    const [, kind, id, keyword] = match;
    if (keyword === 'everyone') everyone = true;
    else if (keyword === 'here') here = true;
    else if (id !== undefined && isSnowflake(id)) (kind === '&' ? roles : users).add(id);
  }
  return { userIds: [...users], roleIds: [...roles], everyone, here };
}

/** 20 digits can exceed 64 bits; such a number is no snowflake. */
function isSnowflake(id: string): boolean {
  return id.length < 20 || BigInt(id) <= 0xffffffffffffffffn;
}
