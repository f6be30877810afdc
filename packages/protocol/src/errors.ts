/**
 * The catalogue of Concord's JSON error codes. Values follow Discord API v10's JSON error codes so that
 * Discord libraries map them to the same exceptions; the HTTP status is attached here, once, and the
 * server maps a code to a response only at its edge.
 */
export const ErrorCode = {
  General: 0,
  UnknownApplication: 10002,
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownInvite: 10006,
  UnknownMember: 10007,
  UnknownMessage: 10008,
  UnknownOverwrite: 10009,
  UnknownRole: 10011,
  UnknownToken: 10012,
  UnknownUser: 10013,
  UnknownEmoji: 10014,
  UnknownBan: 10026,
  UnknownSession: 10020,
  BotsCannotUseEndpoint: 20001,
  OnlyBotsCanUseEndpoint: 20002,
  MaxGuilds: 30001,
  MaxRecipients: 30002,
  MaxRoles: 30005,
  MaxReactions: 30010,
  MaxChannels: 30013,
  MaxInvites: 30016,
  Unauthorized: 40001,
  RequestTooLarge: 40005,
  UserBanned: 40007,
  UsernameTaken: 40061,
  MissingAccess: 50001,
  InvalidAccountType: 50002,
  CannotExecuteOnDM: 50003,
  CannotEditOtherUsersMessage: 50005,
  CannotSendEmptyMessage: 50006,
  CannotSendToUser: 50007,
  CannotSendInNonTextChannel: 50008,
  MissingPermissions: 50013,
  InvalidAuthToken: 50014,
  InvalidFormBody: 50035,
  InvalidApiVersion: 50041,
  CannotDeleteRequiredChannel: 50074,
  InvalidJson: 50109,
  InvalidPassword: 50018,
  RateLimited: 20028,
  ServiceUnavailable: 130000,
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One field error in Discord's nested `errors` object: `{ field: { _errors: [{ code, message }] } }`. */
export interface FieldError {
  code: string;
  message: string;
}

export interface ErrorTree {
  _errors?: FieldError[];
  [key: string]: ErrorTree | FieldError[] | undefined;
}

/** The JSON body of every error response. */
export interface ApiErrorBody {
  code: number;
  message: string;
  errors?: ErrorTree;
  /** Present on 429 responses only, in seconds. */
  retry_after?: number;
  global?: boolean;
}
