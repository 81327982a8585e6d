/** What the fake Discord records of the bot's doings, for tests to assert on. */
import type { IncomingHttpHeaders } from 'node:http';
import type {
  AllowedMentions,
  AttachmentObject,
  FakeUser,
  InteractionObject,
  JsonObject,
  MessageReference,
} from './wire-types.js';

/** A REST call as it arrived, recorded before it is answered. */
export interface RecordedRequest {
  method: string;
  /**
   * Path below `/api/v10` without the query string, percent-decoded, e.g. `/channels/123/messages`
   * or `/webhooks/1/tok/messages/@original`; requests outside
   * `/api/v10` keep their full path (and are answered 404).
   */
  path: string;
  query: Record<string, string>;
  /** Node's lower-cased request headers, e.g. `headers.authorization === 'Bot <token>'`. */
  headers: IncomingHttpHeaders;
  /** The JSON body, or `payload_json` of a multipart body; `undefined` when there was none. */
  body: unknown;
  /** Files of a multipart body (their bytes are counted, not kept). */
  files: { field: string; filename: string; contentType: string; size: number }[];
  /** The status answered; 0 until the answer is chosen. */
  status: number;
  /** `Date.now()` when the body had been read. */
  at: number;
}

/** One PATCH applied to a message, in order. */
export interface MessageEdit {
  body: JsonObject;
  /** Content after the edit. */
  content: string;
  at: number;
}

/** Who a message pings, after `allowed_mentions` was applied. */
export interface MentionSet {
  users: string[];
  roles: string[];
  everyone: boolean;
}

/** A message in the fake's store: written by a test user or by the bot. */
export interface StoredMessage {
  readonly id: string;
  readonly channelId: string;
  readonly guildId: string | undefined;
  readonly author: FakeUser;
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: AttachmentObject[];
  flags: number;
  readonly type: number;
  readonly tts: boolean;
  readonly nonce: string | number | undefined;
  /** The reference as Discord resolved it; `undefined` for no reply or a dropped one. */
  readonly messageReference: MessageReference | undefined;
  /** `allowed_mentions` as sent, updated by edits that send one. */
  allowedMentions: AllowedMentions | undefined;
  mentions: MentionSet;
  /** Set on an interaction's original response and follow-ups. */
  readonly interactionId: string | undefined;
  /** The create body as the bot sent it (`message_reference` included); `undefined` for test users. */
  readonly body: JsonObject | undefined;
  readonly edits: MessageEdit[];
  /** Emoji the bot reacted with (`PUT .../reactions/:emoji/@me`), removals applied. */
  readonly reactions: string[];
  readonly createdAt: number;
  editedAt: number | undefined;
  deletedAt: number | undefined;
}

/** How the bot answered one interaction. */
export interface InteractionRecord {
  readonly interaction: InteractionObject;
  /** `POST /interactions/:id/:token/callback`; `data.flags` 64 marks an ephemeral response. */
  callback:
    { type: number; data: JsonObject | undefined; withResponse: boolean; at: number } | undefined;
  /** The original response message (type 4, or type 5 then `PATCH .../@original`). */
  original: StoredMessage | undefined;
  readonly followUps: StoredMessage[];
}

/** The `d` of an IDENTIFY (op 2) as discord.js sent it. */
export interface IdentifyPayload {
  token: string;
  intents: number;
  properties: Record<string, string>;
  compress?: boolean;
  large_threshold?: number;
  shard?: [number, number];
  presence?: unknown;
}

/** The `d` of a RESUME (op 6). */
export interface ResumePayload {
  token: string;
  session_id: string;
  seq: number;
}
