/** Application command routes: list, overwrite, create, get, edit and delete, global or per guild. */
import { isRecord } from '../../shared/is-record.js';
import { Errors, FormErrors, NO_CONTENT, ok, type Reply } from '../replies.js';
import { validateCommand } from '../validation.js';
import type { ApplicationCommand, JsonObject } from '../wire-types.js';
import type { DiscordWorld } from '../world.js';
import { route, SNOWFLAKE, type Route, type RouteContext } from './route.js';

function buildCommand(
  world: DiscordWorld,
  input: JsonObject,
  scope: string,
  existing: ApplicationCommand | undefined,
): ApplicationCommand {
  const type = typeof input.type === 'number' ? input.type : 1;
  const command: ApplicationCommand = {
    id: existing?.id ?? world.nextId(),
    application_id: world.applicationId,
    version: world.nextId(),
    type,
    name: String(input.name),
    name_localizations: isRecord(input.name_localizations)
      ? (input.name_localizations as Record<string, string>)
      : null,
    description: typeof input.description === 'string' ? input.description : '',
    description_localizations: isRecord(input.description_localizations)
      ? (input.description_localizations as Record<string, string>)
      : null,
    default_member_permissions:
      typeof input.default_member_permissions === 'string'
        ? input.default_member_permissions
        : null,
    contexts: Array.isArray(input.contexts) ? (input.contexts as number[]) : null,
    integration_types: Array.isArray(input.integration_types)
      ? (input.integration_types as number[])
      : [0],
    nsfw: input.nsfw === true,
  };
  if (Array.isArray(input.options) && input.options.length > 0) command.options = input.options;
  if (scope !== 'global') command.guild_id = scope;
  return command;
}

/**
 * A command as Discord lists it without `with_localizations=true`: no localization maps on the
 * command, its options or their choices (only the requester's `*_localized` texts, left out here).
 */
function withoutLocalizations(command: ApplicationCommand): ApplicationCommand {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (!isRecord(value)) return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'name_localizations' && key !== 'description_localizations')
        .map(([key, inner]) => [key, strip(inner)]),
    );
  };
  return strip(command) as ApplicationCommand;
}

function commandScope(
  world: DiscordWorld,
  appId: string,
  guildId: string | undefined,
): string | Reply {
  if (appId !== world.applicationId) return Errors.missingAccess();
  if (guildId !== undefined && !world.guilds.has(guildId)) return Errors.missingAccess();
  return guildId ?? 'global';
}

function commandRoutesAt(
  world: DiscordWorld,
  prefix: string,
  guildIndex: number | undefined,
): Route[] {
  /** A route below `prefix` whose handler gets the command scope the path names. */
  const scoped = (
    method: string,
    path: string,
    handle: (scope: string, context: RouteContext) => Reply,
  ): Route =>
    route(method, `${prefix}${path}`, (context) => {
      const { params } = context;
      const guildId = guildIndex === undefined ? undefined : params[guildIndex];
      const scope = commandScope(world, params[0] ?? '', guildId);
      return typeof scope === 'string' ? handle(scope, context) : scope;
    });
  return [
    scoped('GET', '/commands', (scope, { query }) => {
      const list = world.commandList(scope);
      return ok(query.get('with_localizations') === 'true' ? list : list.map(withoutLocalizations));
    }),
    scoped('PUT', '/commands', (scope, { body }) => {
      const form = new FormErrors();
      if (!Array.isArray(body)) {
        form.add([], 'BASE_TYPE_LIST', 'Could not interpret value as list.');
        return form.reply();
      }
      if (body.length > 100)
        form.add([], 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
      body.forEach((command: unknown, index) => validateCommand(command, form, [index]));
      if (form.count > 0) return form.reply();
      const seen = new Set<string>();
      for (const command of body as JsonObject[]) {
        const key = `${String(command.type ?? 1)}:${String(command.name)}`;
        if (seen.has(key)) {
          form.add(
            [],
            'APPLICATION_COMMANDS_DUPLICATE_NAME',
            `Application command names must be unique`,
          );
        }
        seen.add(key);
      }
      if (form.count > 0) return form.reply();
      const list = world.commandList(scope);
      const next = (body as JsonObject[]).map((input) =>
        buildCommand(
          world,
          input,
          scope,
          list.find((c) => c.name === input.name && c.type === (input.type ?? 1)),
        ),
      );
      list.splice(0, list.length, ...next);
      return ok(list);
    }),
    scoped('POST', '/commands', (scope, { body }) => {
      const form = new FormErrors();
      validateCommand(body, form, []);
      if (form.count > 0 || !isRecord(body)) return form.reply();
      const list = world.commandList(scope);
      const index = list.findIndex((c) => c.name === body.name && c.type === (body.type ?? 1));
      const command = buildCommand(world, body, scope, list[index]);
      if (index >= 0) {
        list[index] = command;
        return ok(command, 200);
      }
      list.push(command);
      return ok(command, 201);
    }),
    scoped('GET', `/commands/${SNOWFLAKE}`, (scope, { params }) => {
      const command = world.commandList(scope).find((c) => c.id === params.at(-1));
      return command ? ok(command) : Errors.unknownCommand();
    }),
    scoped('PATCH', `/commands/${SNOWFLAKE}`, (scope, { params, body }) => {
      const list = world.commandList(scope);
      const index = list.findIndex((c) => c.id === params.at(-1));
      const existing = list[index];
      if (!existing || !isRecord(body)) return Errors.unknownCommand();
      const merged: JsonObject = { ...existing, ...body, type: existing.type };
      const form = new FormErrors();
      validateCommand(merged, form, []);
      if (form.count > 0) return form.reply();
      const command = buildCommand(world, merged, scope, existing);
      list[index] = command;
      return ok(command);
    }),
    scoped('DELETE', `/commands/${SNOWFLAKE}`, (scope, { params }) => {
      const list = world.commandList(scope);
      const index = list.findIndex((c) => c.id === params.at(-1));
      if (index < 0) return Errors.unknownCommand();
      list.splice(index, 1);
      return NO_CONTENT;
    }),
  ];
}

/** The command routes, global (`/applications/:app/commands…`) and per guild. */
export function commandRoutes(world: DiscordWorld): Route[] {
  return [
    ...commandRoutesAt(world, `/applications/${SNOWFLAKE}`, undefined),
    ...commandRoutesAt(world, `/applications/${SNOWFLAKE}/guilds/${SNOWFLAKE}`, 1),
  ];
}
