import { ErrorCode, type ErrorTree } from '@concord/protocol';

const defaultMessages: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.UnknownApplication]: 'Unknown Application',
  [ErrorCode.UnknownChannel]: 'Unknown Channel',
  [ErrorCode.UnknownGuild]: 'Unknown Guild',
  [ErrorCode.UnknownInvite]: 'Unknown Invite',
  [ErrorCode.UnknownMember]: 'Unknown Member',
  [ErrorCode.UnknownMessage]: 'Unknown Message',
  [ErrorCode.UnknownOverwrite]: 'Unknown Overwrite',
  [ErrorCode.UnknownRole]: 'Unknown Role',
  [ErrorCode.UnknownUser]: 'Unknown User',
  [ErrorCode.UnknownEmoji]: 'Unknown Emoji',
  [ErrorCode.UnknownBan]: 'Unknown Ban',
  [ErrorCode.UnknownSession]: 'Unknown Session',
  [ErrorCode.BotsCannotUseEndpoint]: 'Bots cannot use this endpoint',
  [ErrorCode.MaxGuilds]: 'Maximum number of guilds reached',
  [ErrorCode.MaxRecipients]: 'Maximum number of group DM recipients reached',
  [ErrorCode.MaxRoles]: 'Maximum number of guild roles reached',
  [ErrorCode.MaxReactions]: 'Maximum number of reactions reached',
  [ErrorCode.MaxChannels]: 'Maximum number of guild channels reached',
  [ErrorCode.Unauthorized]: '401: Unauthorized',
  [ErrorCode.UserBanned]: 'You are banned from this guild',
  [ErrorCode.UsernameTaken]: 'Username is already taken',
  [ErrorCode.MissingAccess]: 'Missing Access',
  [ErrorCode.InvalidAccountType]: 'Invalid account type',
  [ErrorCode.CannotExecuteOnDM]: 'Cannot execute action on a DM channel',
  [ErrorCode.CannotEditOtherUsersMessage]: 'Cannot edit a message authored by another user',
  [ErrorCode.CannotSendEmptyMessage]: 'Cannot send an empty message',
  [ErrorCode.CannotSendToUser]: 'Cannot send messages to this user',
  [ErrorCode.CannotSendInNonTextChannel]: 'Cannot send messages in a non-text channel',
  [ErrorCode.MissingPermissions]: 'Missing Permissions',
  [ErrorCode.InvalidAuthToken]: 'Invalid authentication token provided',
  [ErrorCode.InvalidFormBody]: 'Invalid Form Body',
  [ErrorCode.CannotDeleteRequiredChannel]: 'Cannot delete a channel required for community guilds',
  [ErrorCode.InvalidJson]: 'The request body contains invalid JSON.',
  [ErrorCode.InvalidPassword]: 'Password does not match',
  [ErrorCode.ServiceUnavailable]: 'Service temporarily unavailable',
};

/**
 * An expected failure of a domain operation, identified by a stable code from the protocol's catalogue.
 * Services throw it; the HTTP and gateway edges map the code to a status or close code.
 */
export class DomainError extends Error {
  override name = 'DomainError';

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly errors?: ErrorTree,
  ) {
    super(message ?? defaultMessages[code] ?? 'Error');
  }
}

/** A form error on one field, in Discord's nested `errors` shape. */
export function fieldError(field: string, code: string, message: string): DomainError {
  return new DomainError(ErrorCode.InvalidFormBody, undefined, { [field]: { _errors: [{ code, message }] } });
}
