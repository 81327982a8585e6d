import { safeName } from '../shared/markdown-escape.js';

/** The /start text: who the bot is, what it keeps and for how long, how to talk to it. */
export function greeting(name: string | undefined, ttlSeconds: number, username: string): string {
  const days = Math.round(ttlSeconds / 86_400);
  const kept =
    ttlSeconds === 0
      ? 'until you ask me to forget'
      : days >= 1
        ? `for ${days} day${days === 1 ? '' : 's'} after your last message`
        : `for ${Math.max(1, Math.round(ttlSeconds / 60))} minutes after your last message`;
  return (
    `Hi ${safeName(name, 'there')}! I am a chat bot that remembers our conversation.\n\n` +
    `I keep a short summary and our recent messages, separately for each chat and each person, ${kept}. ` +
    'Use /memory to see what I remember and /forget to wipe it (/forget all: every chat).\n\n' +
    howToTalk(username)
  );
}

export function help(username: string): string {
  return [
    howToTalk(username),
    '',
    '/memory: what I remember of you in this chat',
    '/forget: forget this chat',
    '/forget all: forget every chat with you',
    '/remember <text>: keep a fact about you (/memory lists them, with buttons to delete)',
    '/remember off, /remember on: stop or resume learning facts about you',
  ].join('\n');
}

function howToTalk(username: string): string {
  return `In a private chat, just write. In a group, mention ${username} or reply to one of my messages.`;
}
