import type { Catalog } from './en.js';

/** German. Keys and syntax: see `en.ts`. */
export const de: Catalog = {
  'input.empty': 'Deine Nachricht ist leer: Schick mir etwas Text, dann antworte ich.',
  'input.tooLong':
    'Deine Nachricht ist {length} Zeichen lang, ich kann aber höchstens {limit} lesen. Bitte kürze sie oder schick sie in Teilen.',
  'model.rateLimited':
    'Ich bekomme gerade zu viele Anfragen. Bitte versuch es in einer Minute noch einmal.',
  'model.timeout':
    'Entschuldige, meine Antwort dauert zu lange. Bitte versuch es gleich noch einmal.',
  'model.rejected':
    'Entschuldige, das Sprachmodell hat diese Anfrage abgelehnt. Versuch es anders zu formulieren.',
  'model.empty':
    'Entschuldige, darauf ist mir keine Antwort eingefallen. Versuch es bitte anders zu formulieren.',
  'model.unavailable':
    'Entschuldige, ich erreiche mein Sprachmodell gerade nicht. Bitte versuch es gleich noch einmal.',
  'memory.unavailable':
    'Entschuldige, ich erreiche mein Gedächtnis gerade nicht. Bitte versuch es gleich noch einmal.',
  'turn.busySoon':
    'Ich beantworte noch deine vorige Nachricht. Bitte schick diese in ein paar Sekunden noch einmal.',
  'turn.busy':
    'Ich beantworte noch deine vorige Nachricht. Bitte schick diese in {seconds|one:# Sekunde|other:# Sekunden} noch einmal.',
  'turn.rateLimitedSoon':
    'Du schreibst schneller, als ich antworten kann. Bitte versuch es in ein paar Sekunden noch einmal.',
  'turn.rateLimited':
    'Du schreibst schneller, als ich antworten kann. Bitte versuch es in {seconds|one:# Sekunde|other:# Sekunden} noch einmal.',
  'turn.aborted':
    'Ich starte gerade neu und konnte diese Antwort nicht fertigstellen. Bitte frag noch einmal.',
  'error.generic':
    'Entschuldige, bei mir ist etwas schiefgelaufen. Bitte versuch es gleich noch einmal.',
  'budget.spent':
    'Du hast die {budget} Tokens für heute verbraucht. Nach Mitternacht (UTC) kann ich wieder antworten, in etwa {hours|one:# Stunde|other:# Stunden}.',
  'budget.spentSoon':
    'Du hast die {budget} Tokens für heute verbraucht. Nach Mitternacht (UTC) kann ich wieder antworten, in {minutes|one:# Minute|other:# Minuten}.',

  'notice.withoutMemory':
    'Ich erreiche mein Gedächtnis gerade nicht und habe daher ohne unser bisheriges Gespräch geantwortet.',
  'images.unseen':
    'Mein Sprachmodell kann keine Bilder sehen, daher habe ich nur auf deinen Text geantwortet.',
  'images.unseenOnly':
    'Mein Sprachmodell kann keine Bilder sehen. Beschreib das Bild in Worten, dann helfe ich dir.',
  'access.notAllowed':
    'Entschuldige, hier stehe ich dir nicht zur Verfügung. Bitte die Person, die diesen Bot betreibt, um Zugang.',
  'media.textOnly': 'Ich kann nur Text, Bilder, Sprachnachrichten und Textdateien lesen.',
  'command.unknown': 'Den Befehl /{name} kenne ich nicht.',
  'command.unknownWithHelp': 'Den Befehl /{name} kenne ich nicht. /help zeigt, was ich kann.',

  'attach.unsupported':
    'Ich konnte {names} nicht lesen: Ich kann Text, Bilder, Sprachnachrichten und Textdateien lesen.',
  'attach.firstImagesOnly':
    'Ich habe mir nur {max|one:das erste Bild|other:die ersten # Bilder} angesehen.',
  'attach.imageTooLarge':
    '{name} ist zu groß: Ich kann mir Bilder bis höchstens {megabytes} MB ansehen.',
  'attach.notAnImage':
    '{name} ist kein JPEG-, PNG-, WebP- oder GIF-Bild, deshalb konnte ich es mir nicht ansehen.',
  'attach.fileTooLong':
    '{names} {count|one:ist|other:sind} zu lang: Ich kann in einer Nachricht höchstens {max} Zeichen aus Dateien lesen.',
  'attach.notText':
    'Ich konnte {name} nicht lesen: Das ist kein UTF-8-Text. Ich kann Textdateien, Bilder und Sprachnachrichten lesen.',
  'attach.voiceOff':
    'Hier kann ich mir keine Sprachnachrichten anhören. Bitte schreib deine Nachricht stattdessen.',
  'attach.audioTooLong':
    'Deine Sprachnachricht ist {duration} lang, ich kann mir aber höchstens {max} anhören. Bitte schick eine kürzere.',
  'attach.audioTooLarge':
    'Deine Sprachnachricht ist zu groß, um sie anzuhören. Bitte schick eine kürzere.',
  'attach.firstAudioOnly': 'Ich habe mir nur die erste Sprachnachricht angehört.',
  'attach.transcriptionFailed':
    'Entschuldige, ich konnte deine Sprachnachricht nicht transkribieren. Bitte versuch es gleich noch einmal oder schreib sie.',
  'attach.noWords': 'Ich konnte in deiner Sprachnachricht keine Wörter verstehen.',
  'attach.fetchFailed':
    'Entschuldige, ich konnte {name} nicht abrufen. Bitte schick es noch einmal.',

  'memory.nothing': 'Von diesem Gespräch weiß ich noch nichts.',
  'memory.summary': 'Woran ich mich erinnere: {summary}',
  'memory.recent':
    '{count|one:# letzte Nachricht|other:# letzte Nachrichten} ({tokens|one:# Token|other:# Tokens}) wörtlich gespeichert.',
  'memory.factsHeading': 'Was ich hier über dich weiß:',
  'memory.moreFacts': '(und {count|one:# älterer Fakt|other:# ältere Fakten} nicht angezeigt)',
  'memory.learningOn': 'Fakten über dich lernen: an (/remember off stoppt es).',
  'memory.learningOff': 'Fakten über dich lernen: aus (/remember on setzt es fort).',
  'forget.here': 'Erledigt: Ich habe unser Gespräch hier vergessen.',
  'forget.everywhere': 'Erledigt: Ich habe alle unsere Gespräche vergessen.',
  'forget.everywhereCount': 'Erledigt: Ich habe alle unsere Gespräche vergessen ({count}).',
  'facts.deleted': 'Gelöscht: Das weiß ich jetzt nicht mehr.',
  'facts.alreadyGone': 'Dieser Fakt war schon gelöscht.',
  'facts.off': 'Dieser Bot speichert keine Fakten über Personen.',
  'buttons.notYours': 'Diese Schaltflächen gehören der Person, die /memory aufgerufen hat.',
  'buttons.stale': 'Diese Schaltfläche funktioniert nicht mehr. Schick /memory noch einmal.',
  'remember.usage':
    'Sag mir, was ich mir merken soll, z. B. „/remember Ich bin Vegetarier“. „/remember off“ stoppt das Lernen von Fakten über dich, „/remember on“ setzt es fort.',
  'remember.learningOff':
    'Erledigt: Ich lerne keine neuen Fakten über dich mehr. Was ich schon weiß, bleibt, bis du es löschst (/memory) oder /remember on sagst.',
  'remember.learningOn':
    'Erledigt: Ich lerne wieder Fakten über dich, während wir uns unterhalten.',
  'remember.added': 'Notiert: „{fact}“. /memory zeigt, was ich über dich weiß.',
  'remember.known': 'Das wusste ich schon.',
  'remember.tooLong': 'Das ist zu lang, um es als Fakt zu speichern: höchstens {limit} Zeichen.',
  'persona.none':
    'In diesem Chat habe ich keine Rolle. Leg eine mit /persona und ihrem Text fest, z. B. „/persona Du bist ein fröhlicher Pirat, der Wortspiele liebt.“',
  'persona.current': 'Meine Rolle in diesem Chat:\n\n{persona}\n\n/persona reset entfernt sie.',
  'persona.set':
    'Erledigt: Das ist jetzt meine Rolle in diesem Chat. /persona zeigt sie, /persona reset entfernt sie.',
  'persona.reset': 'Erledigt: In diesem Chat habe ich keine Rolle mehr.',
  'persona.tooLong':
    'Diese Rolle ist {length} Zeichen lang, erlaubt sind höchstens {limit}. Bitte kürze sie.',
  'persona.adminsOnly':
    'Entschuldige, nur die Administratoren dieser Gruppe können meine Rolle ändern.',
  'persona.managersOnly':
    'Entschuldige, nur wer diesen Server verwalten darf, kann meine Rolle in seinen Kanälen ändern.',
  'model.current':
    'Hier antworte ich dir mit {model}. Zur Wahl stehen {models}: /model und der Name.',
  'model.only': 'Ich antworte dir mit {model}: Es ist das einzige Modell, das ich anbiete.',
  'model.chosen': 'Erledigt: In diesem Chat antworte ich dir mit {model}.',
  'model.unknown':
    'Dieses Modell biete ich nicht an. Zur Wahl stehen {models}: /model und der Name.',
  'usage.tokens':
    'Deine Tokens heute: {today}. Diesen Monat: {month}. Antworten, Zusammenfassungen unserer Gespräche und die Fakten, die ich lerne, zählen alle mit.',
  'usage.budget':
    'Dein Tageskontingent sind {budget} Tokens: Heute bleiben noch {left}. Es beginnt um Mitternacht (UTC) neu.',

  'greeting.hello': 'Hallo {name}! Ich bin ein Chatbot, der sich an unser Gespräch erinnert.',
  'greeting.helloAnonymous': 'Hallo! Ich bin ein Chatbot, der sich an unser Gespräch erinnert.',
  'greeting.keptForever':
    'Ich speichere eine kurze Zusammenfassung und unsere letzten Nachrichten, getrennt für jeden Chat und jede Person, bis du mich bittest, sie zu vergessen.',
  'greeting.keptDays':
    'Ich speichere eine kurze Zusammenfassung und unsere letzten Nachrichten, getrennt für jeden Chat und jede Person, noch {days|one:# Tag|other:# Tage} nach deiner letzten Nachricht.',
  'greeting.keptMinutes':
    'Ich speichere eine kurze Zusammenfassung und unsere letzten Nachrichten, getrennt für jeden Chat und jede Person, noch {minutes|one:# Minute|other:# Minuten} nach deiner letzten Nachricht.',
  'greeting.commands':
    'Mit /memory siehst du, woran ich mich erinnere, mit /forget löschst du es (/forget all: alle Chats).',
  'help.howToTalk':
    'In einem privaten Chat schreib einfach los. In einer Gruppe erwähne {username} oder antworte auf eine meiner Nachrichten.',
  'help.memory': '/memory: woran ich mich in diesem Chat über dich erinnere',
  'help.forget': '/forget: diesen Chat vergessen',
  'help.forgetAll': '/forget all: alle Chats mit dir vergessen',
  'help.remember':
    '/remember <Text>: einen Fakt über dich speichern (/memory listet sie mit Schaltflächen zum Löschen)',
  'help.rememberSwitch':
    '/remember off, /remember on: das Lernen von Fakten über dich stoppen oder fortsetzen',
  'help.persona':
    '/persona <Text>: mir in diesem Chat eine Rolle geben (/persona zeigt sie, /persona reset entfernt sie; in Gruppen nur Admins)',
  'help.model': '/model: die Modelle, die ich anbiete; /model <Name> wählt deins für diesen Chat',
  'help.usage': '/usage: deine Tokens heute und in diesem Monat',

  'command.start': 'Hallo sagen und sehen, woran ich mich erinnere',
  'command.help': 'Wie du mit mir sprichst',
  'command.memory': 'Woran ich mich in diesem Chat über dich erinnere',
  'command.remember': 'Einen Fakt über dich merken („/remember off“: nicht mehr lernen)',
  'command.forget': 'Diesen Chat vergessen („/forget all“: alle Chats)',
  'command.persona': 'Meine Rolle in diesem Chat zeigen oder festlegen (in Gruppen: Admins)',
  'command.model': 'Das Modell zeigen oder wählen, mit dem ich dir hier antworte',
  'command.usage': 'Deine Tokens heute und in diesem Monat',

  'discord.forget': 'Lass den Bot vergessen, woran er sich über dich erinnert',
  'discord.forget.scope': 'Wo vergessen (Standard: dieser Kanal)',
  'discord.forget.here': 'dieser Kanal',
  'discord.forget.everywhere': 'überall',
  'discord.memory': 'Zeigt, woran sich der Bot in diesem Kanal über dich erinnert',
  'discord.remember':
    'Lass den Bot einen Fakt über dich merken, oder stoppe oder starte sein Lernen',
  'discord.remember.fact': 'Was er sich merken soll, z. B. „Ich bin Vegetarier“',
  'discord.remember.learning': 'Beim Schreiben Fakten über dich lernen (Standard: an)',
  'discord.remember.on': 'an',
  'discord.remember.off': 'aus',
  'discord.persona': 'Die Rolle des Bots in diesem Kanal zeigen, festlegen oder entfernen',
  'discord.persona.text': 'Die Rolle, z. B. „Du bist ein fröhlicher Pirat, der Wortspiele liebt“',
  'discord.persona.reset': 'Die Rolle des Bots in diesem Kanal entfernen',
  'discord.model': 'Das Modell zeigen oder wählen, mit dem dir der Bot in diesem Kanal antwortet',
  'discord.model.name': 'Das Modell (/model allein listet sie auf)',
  'discord.usage': 'Deine Tokens heute und in diesem Monat',
};
