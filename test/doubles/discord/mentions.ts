/** Who a message pings: `<@user>`, `<@&role>` and `@everyone` in its text, and `allowed_mentions`. */
import type { MentionSet } from './records.js';
import type { AllowedMentions } from './wire-types.js';
import type { DiscordWorld, InternalGuild } from './world.js';

export function mentionedUserIds(world: DiscordWorld, content: string): string[] {
  const ids = new Set<string>();
  for (const match of content.matchAll(/<@!?(\d+)>/g)) {
    const id = match[1];
    if (id !== undefined && world.users.has(id)) ids.add(id);
  }
  return [...ids];
}

export function mentionedRoleIds(content: string, guild: InternalGuild | undefined): string[] {
  if (!guild) return [];
  const ids = new Set<string>();
  for (const match of content.matchAll(/<@&(\d+)>/g)) {
    const id = match[1];
    if (id !== undefined && guild.roles.some((role) => role.id === id)) ids.add(id);
  }
  return [...ids];
}

/** Who a bot message pings: the text's mentions filtered by `allowed_mentions`, as Discord does. */
export function resolveBotMentions(
  world: DiscordWorld,
  content: string,
  allowed: AllowedMentions | undefined,
  guild: InternalGuild | undefined,
  repliedAuthorId: string | undefined,
): MentionSet {
  const textUsers = mentionedUserIds(world, content);
  const textRoles = mentionedRoleIds(content, guild);
  const textEveryone = /@(everyone|here)\b/.test(content);
  let mentions: MentionSet;
  let pingReplied: boolean;
  if (allowed === undefined) {
    mentions = { users: textUsers, roles: textRoles, everyone: textEveryone };
    pingReplied = true; // without allowed_mentions Discord pings the replied-to author
  } else {
    const parse = allowed.parse ?? [];
    mentions = {
      users: parse.includes('users')
        ? textUsers
        : textUsers.filter((id) => allowed.users?.includes(id) === true),
      roles: parse.includes('roles')
        ? textRoles
        : textRoles.filter((id) => allowed.roles?.includes(id) === true),
      everyone: parse.includes('everyone') && textEveryone,
    };
    pingReplied = allowed.replied_user === true;
  }
  if (repliedAuthorId !== undefined && pingReplied && !mentions.users.includes(repliedAuthorId)) {
    mentions.users.push(repliedAuthorId);
  }
  return mentions;
}
