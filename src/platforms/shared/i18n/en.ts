/**
 * The bot's own words in English, and the list of every message key.
 *
 * NOTE FOR EVERY ENGINEER: add every new user-facing text here as a key; other catalogs must get
 * it too (ru, uk, ja, ko, zh-cn, es, pt-br, de, fr — `test/platforms/shared/i18n.test.ts` fails
 * on a missing or extra key or placeholder). Never write a person-facing English string inline;
 * call `translate(locale, key, params)` (or a `Translator`) from `./translate.js`.
 *
 * Syntax (see `message-format.ts`): `{name}` is a placeholder (numbers are formatted for the
 * locale); `{count|one:# item|other:# items}` is a plural, one branch per CLDR category of the
 * language, `#` being the number. Texts are Markdown like the rest of the bot's messages: avoid
 * `*`, `_`, backticks and brackets. Keep the tone: polite and short.
 */
export const en = {
  // Errors of a turn (the keys of `ConversationError.message` in core/errors.ts).
  'input.empty': 'Your message is empty: send me some text and I will answer.',
  'input.tooLong':
    'Your message is {length} characters long, and I can read at most {limit}. Please shorten it or send it in parts.',
  'model.rateLimited': 'I am getting too many requests right now. Please try again in a minute.',
  'model.timeout': 'Sorry, my answer is taking too long. Please try again in a moment.',
  'model.rejected': 'Sorry, the language model refused that request. Try rephrasing it.',
  'model.empty': 'Sorry, I could not come up with an answer to that. Please try rephrasing it.',
  'model.unavailable':
    'Sorry, I cannot reach my language model right now. Please try again in a moment.',
  'memory.unavailable': 'Sorry, I cannot reach my memory right now. Please try again in a moment.',
  'turn.busySoon':
    'I am still answering your previous message. Please send this one again in a few seconds.',
  'turn.busy':
    'I am still answering your previous message. Please send this one again in {seconds|one:# second|other:# seconds}.',
  'turn.rateLimitedSoon':
    'You are sending messages faster than I can answer. Please try again in a few seconds.',
  'turn.rateLimited':
    'You are sending messages faster than I can answer. Please try again in {seconds|one:# second|other:# seconds}.',
  'turn.aborted': 'I am restarting and could not finish this answer. Please ask again.',
  'error.generic': 'Sorry, something went wrong on my side. Please try again in a moment.',

  // The daily token budget (core/budget-error.ts): {budget} tokens, the time left until midnight UTC.
  'budget.spent':
    "You have used today's {budget} tokens. I can answer again after midnight UTC, in about {hours|one:# hour|other:# hours}.",
  'budget.spentSoon':
    "You have used today's {budget} tokens. I can answer again after midnight UTC, in {minutes|one:# minute|other:# minutes}.",

  // Notes added to an answer, and refusals.
  'notice.withoutMemory':
    'I cannot reach my memory right now, so I answered without our earlier conversation.',
  'images.unseen': 'The language model I use cannot see images, so I answered your text only.',
  'images.unseenOnly':
    'The language model I use cannot see images. Describe the picture in words and I will help.',
  'access.notAllowed':
    'Sorry, I am not available to you here. Ask the person who runs this bot for access.',
  'media.textOnly': 'I can only read text, images, voice messages and text files.',
  'command.unknown': 'I do not know /{name}.',
  'command.unknownWithHelp': 'I do not know /{name}. /help lists what I can do.',

  // Files people send ({name} and {names} are escaped file names; {names} is a list).
  'attach.unsupported':
    'I could not read {names}: I can read text, images, voice messages and text files.',
  'attach.firstImagesOnly': 'I looked at the first {max|one:image|other:# images} only.',
  'attach.imageTooLarge': '{name} is too large: I can look at images of at most {megabytes} MB.',
  'attach.notAnImage': '{name} is not a JPEG, PNG, WebP or GIF image, so I could not look at it.',
  'attach.fileTooLong':
    '{names} {count|one:is|other:are} too long: I can read at most {max} characters of files in one message.',
  'attach.notText':
    'I could not read {name}: it is not UTF-8 text. I can read text files, images and voice messages.',
  'attach.voiceOff': "I can't listen to voice messages here. Please write your message instead.",
  'attach.audioTooLong':
    'Your voice message is {duration} long, and I can listen to at most {max}. Please send a shorter one.',
  'attach.audioTooLarge':
    'Your voice message is too large for me to listen to. Please send a shorter one.',
  'attach.firstAudioOnly': 'I listened to the first voice message only.',
  'attach.transcriptionFailed':
    'Sorry, I could not transcribe your voice message. Please try again in a moment, or write it.',
  'attach.noWords': 'I could not make out any words in your voice message.',
  'attach.fetchFailed': 'Sorry, I could not fetch {name}. Please send it again.',

  // /memory, /forget, /remember and the delete buttons.
  'memory.nothing': 'I do not remember anything of this conversation yet.',
  'memory.summary': 'What I remember: {summary}',
  'memory.recent':
    '{count|one:# recent message|other:# recent messages} ({tokens|one:# token|other:# tokens}) kept word for word.',
  'memory.factsHeading': 'What I know about you here:',
  'memory.moreFacts': '(and {count|one:# older fact|other:# older facts} not shown)',
  'memory.learningOn': 'Learning facts about you: on (/remember off stops it).',
  'memory.learningOff': 'Learning facts about you: off (/remember on resumes it).',
  'forget.here': 'Done: I have forgotten our conversation here.',
  'forget.everywhere': 'Done: I have forgotten all our conversations.',
  'forget.everywhereCount': 'Done: I have forgotten all our conversations ({count}).',
  'facts.deleted': 'Deleted: I no longer know that.',
  'facts.alreadyGone': 'That fact was already gone.',
  'facts.off': 'I do not keep facts about people on this bot.',
  'buttons.notYours': 'These buttons belong to the person who asked for /memory.',
  'buttons.stale': 'This button no longer works. Send /memory again.',
  'remember.usage':
    'Tell me what to remember, e.g. "/remember I am vegetarian". "/remember off" stops me learning facts about you; "/remember on" resumes.',
  'remember.learningOff':
    'Done: I will not learn new facts about you. What I already know stays until you delete it (/memory) or say /remember on.',
  'remember.learningOn': 'Done: I will learn facts about you again as we talk.',
  'remember.added': 'Noted: "{fact}". /memory shows what I know about you.',
  'remember.known': 'I already knew that.',
  'remember.tooLong': 'That is too long to keep as a fact: at most {limit} characters.',

  // /persona, /model, /usage and the daily budget ({persona}, {model} and {models} are escaped).
  'persona.none':
    'This chat has no persona. Give it one with /persona and its text, e.g. "/persona You are a cheerful pirate who loves puns."',
  'persona.current': 'The persona of this chat:\n\n{persona}\n\n/persona reset removes it.',
  'persona.set':
    'Done: this is the persona of this chat now. /persona shows it, /persona reset removes it.',
  'persona.reset': 'Done: this chat has no persona any more.',
  'persona.tooLong':
    'That persona is {length} characters long, and a persona can have at most {limit}. Please shorten it.',
  'persona.adminsOnly': 'Sorry, only the administrators of this group can change its persona.',
  'persona.managersOnly':
    'Sorry, only people who can manage this server can change the persona of its channels.',
  'model.current': 'I answer you with {model} here. You can pick {models}: /model and its name.',
  'model.only': 'I answer you with {model}: it is the only model I offer.',
  'model.chosen': 'Done: I will answer you with {model} in this chat.',
  'model.unknown': 'I do not offer that model. You can pick {models}: /model and its name.',
  'usage.tokens':
    'Tokens you used today: {today}. This month: {month}. Answers, summaries of our conversations and the facts I learn all count.',
  'usage.budget':
    'Your daily allowance is {budget} tokens: {left} left today. It starts again at midnight UTC.',
  // Telegram's /start and /help ({name} is escaped; {username} is the bot's @username).
  'greeting.hello': 'Hi {name}! I am a chat bot that remembers our conversation.',
  'greeting.helloAnonymous': 'Hi there! I am a chat bot that remembers our conversation.',
  'greeting.keptForever':
    'I keep a short summary and our recent messages, separately for each chat and each person, until you ask me to forget.',
  'greeting.keptDays':
    'I keep a short summary and our recent messages, separately for each chat and each person, for {days|one:# day|other:# days} after your last message.',
  'greeting.keptMinutes':
    'I keep a short summary and our recent messages, separately for each chat and each person, for {minutes|one:# minute|other:# minutes} after your last message.',
  'greeting.commands':
    'Use /memory to see what I remember and /forget to wipe it (/forget all: every chat).',
  'help.howToTalk':
    'In a private chat, just write. In a group, mention {username} or reply to one of my messages.',
  'help.memory': '/memory: what I remember of you in this chat',
  'help.forget': '/forget: forget this chat',
  'help.forgetAll': '/forget all: forget every chat with you',
  'help.remember':
    '/remember <text>: keep a fact about you (/memory lists them, with buttons to delete)',
  'help.rememberSwitch': '/remember off, /remember on: stop or resume learning facts about you',
  'help.persona':
    '/persona <text>: give this chat a persona (/persona shows it, /persona reset removes it; in groups only admins)',
  'help.model': '/model: the models I offer; /model <name> picks yours for this chat',
  'help.usage': '/usage: your tokens today and this month',

  // Telegram's command menu (setMyCommands: 1–256 characters each).
  'command.start': 'Say hello and see what I remember',
  'command.help': 'How to talk to me',
  'command.memory': 'What I remember of you in this chat',
  'command.remember': 'Remember a fact about you ("/remember off": stop learning)',
  'command.forget': 'Forget this chat ("/forget all": every chat)',
  'command.persona': 'Show or set the persona of this chat (admins in groups)',
  'command.model': 'Show or pick the model I answer you with here',
  'command.usage': 'Your tokens today and this month',

  // Discord's slash commands: descriptions and choice names, 1–100 characters each.
  'discord.forget': 'Make the bot forget what it remembers of you',
  'discord.forget.scope': 'Where to forget (default: this channel)',
  'discord.forget.here': 'this channel',
  'discord.forget.everywhere': 'everywhere',
  'discord.memory': 'Show what the bot remembers of you in this channel',
  'discord.remember': 'Make the bot remember a fact about you, or stop or resume its learning',
  'discord.remember.fact': 'What to remember, e.g. "I am vegetarian"',
  'discord.remember.learning': 'Learn facts about you as you talk (default: on)',
  'discord.remember.on': 'on',
  'discord.remember.off': 'off',
  'discord.persona': 'Show, set or remove the persona of this channel',
  'discord.persona.text': 'The persona, e.g. "You are a cheerful pirate who loves puns"',
  'discord.persona.reset': 'Remove the persona of this channel',
  'discord.model': 'Show or pick the model the bot answers you with in this channel',
  'discord.model.name': 'The model to pick (/model alone lists them)',
  'discord.usage': 'Your tokens today and this month',
} as const;

/** Every message key. */
export type MessageKey = keyof typeof en;

/** A language's catalog: a text for every key, with the same placeholders as English. */
export type Catalog = { readonly [K in MessageKey]: string };
