/**
 * A fake Discord for end-to-end tests: REST v10 and a JSON gateway on 127.0.0.1, so the real
 * discord.js `Client` is exercised — gateway handshake and caching, rate-limit handling, replies,
 * interaction responses — while discord.com stays unreachable.
 *
 * Point discord.js at it with `new Client({ ..., rest: { api: server.apiUrl } })`: discord.js asks
 * `GET /api/v10/gateway/bot` for the gateway address, so the WebSocket follows on its own.
 *
 * One bot token is valid. The world (guilds, channels, threads, users) is built by the test; user
 * activity is pushed as gateway dispatches; whatever the bot does over REST is recorded and can be
 * asserted. Like Discord, it echoes the bot's own messages back as MESSAGE_CREATE, filters events
 * by the intents given at IDENTIFY, and blanks the content of guild messages that do not mention the
 * bot unless the privileged MessageContent intent was requested.
 *
 * Dependencies: `node:http`, `node:zlib` and `ws` (a dev dependency); nothing from discord.js, so
 * the wire format here is an independent statement of what Discord sends. The parts live in
 * `./discord/`: the types (`wire-types.ts`, `records.ts`, `types.ts`), `server.ts` (start-up),
 * `transport.ts` and `rest.ts` (HTTP), `routes/` (REST routes by family), `gateway.ts`,
 * `world.ts` (state), messages, interactions, and what the test does (`world-builders.ts`,
 * `simulated-users.ts`).
 */
export type {
  AllowedMentions,
  ApplicationCommand,
  AttachmentObject,
  CommandOptionValue,
  FakeChannel,
  FakeGuild,
  FakeRole,
  FakeUser,
  InteractionObject,
  JsonObject,
  MemberObject,
  MessageObject,
  MessageReference,
  ThreadMetadata,
} from './discord/wire-types.js';
export type {
  IdentifyPayload,
  InteractionRecord,
  MentionSet,
  MessageEdit,
  RecordedRequest,
  ResumePayload,
  StoredMessage,
} from './discord/records.js';
export type {
  CreateInteractionInput,
  CreateMessageInput,
  FakeDiscordServer,
  FakeDiscordServerOptions,
  FakeFailure,
} from './discord/types.js';
export type { AttachmentInput } from './discord/attachments.js';
export { startFakeDiscordServer } from './discord/server.js';
