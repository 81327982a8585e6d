/**
 * Routes about the bot itself: gateway discovery, users, DMs, the application with its commands,
 * guilds.
 */
import { THREAD_TYPES } from '../constants.js';
import type { FakeDiscord } from '../context.js';
import { guildCreatePayload } from '../guild-payload.js';
import { isRecord } from '../../shared/is-record.js';
import { Errors, ok } from '../replies.js';
import { commandRoutes } from './command-routes.js';
import { route, SNOWFLAKE, type Route } from './route.js';

export function appRoutes({ world, gateway }: FakeDiscord): Route[] {
  return [
    route('GET', '/gateway', () => ok({ url: world.gatewayUrl }), false),
    route('GET', '/gateway/bot', () =>
      ok({
        url: world.gatewayUrl,
        shards: world.settings.shardCount,
        session_start_limit: {
          total: 1_000,
          remaining: Math.max(0, 1_000 - gateway.sessionStarts),
          reset_after: 86_400_000,
          max_concurrency: world.settings.maxConcurrency,
        },
      }),
    ),
    route('GET', '/users/@me', () =>
      ok({ ...world.botUser, verified: true, mfa_enabled: false, email: null, locale: 'en-US' }),
    ),
    route('GET', `/users/${SNOWFLAKE}`, ({ params }) => {
      const user = world.users.get(params[0] ?? '');
      return user ? ok(user) : Errors.unknownUser();
    }),
    route('POST', '/users/@me/channels', ({ body }) => {
      const recipient =
        isRecord(body) && typeof body.recipient_id === 'string'
          ? world.users.get(body.recipient_id)
          : undefined;
      if (!recipient || recipient.id === world.botUser.id) return Errors.invalidRecipient();
      return ok(world.dmChannelFor(recipient));
    }),
    route('GET', '/applications/@me', () =>
      ok({
        id: world.applicationId,
        name: world.botUser.username,
        icon: null,
        description: '',
        summary: '',
        type: null,
        bot_public: true,
        bot_require_code_grant: false,
        verify_key: 'f'.repeat(64),
        flags: 0,
        owner: world.guildOwner,
        team: null,
        bot: world.botUser,
        hook: true,
        is_monetized: false,
        integration_types_config: { '0': {} },
        approximate_guild_count: world.guilds.size,
        redirect_uris: [],
        interactions_endpoint_url: null,
        install_params: { scopes: ['bot', 'applications.commands'], permissions: '0' },
        tags: [],
      }),
    ),
    ...commandRoutes(world),
    route('GET', `/guilds/${SNOWFLAKE}`, ({ params }) => {
      const guild = world.guilds.get(params[0] ?? '');
      if (!guild) return Errors.unknownGuild();
      const {
        channels: _channels,
        threads: _threads,
        members: _members,
        ...rest
      } = guildCreatePayload(guild);
      return ok(rest);
    }),
    route('GET', `/guilds/${SNOWFLAKE}/channels`, ({ params }) => {
      const guild = world.guilds.get(params[0] ?? '');
      return guild
        ? ok(guild.channels.filter((c) => !THREAD_TYPES.includes(c.type)))
        : Errors.unknownGuild();
    }),
    route('GET', `/guilds/${SNOWFLAKE}/members/${SNOWFLAKE}`, ({ params }) => {
      const guild = world.guilds.get(params[0] ?? '');
      if (!guild) return Errors.unknownGuild();
      const member = guild.members.get(params[1] ?? '');
      return member ? ok(member) : Errors.unknownMember();
    }),
  ];
}
