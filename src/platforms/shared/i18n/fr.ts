import type { Catalog } from './en.js';

/** French. Keys and syntax: see `en.ts`. */
export const fr: Catalog = {
  'input.empty': 'Votre message est vide : envoyez-moi du texte et je vous répondrai.',
  'input.tooLong':
    'Votre message fait {length|one:# caractère|other:# caractères}, et je peux en lire au plus {limit}. Merci de le raccourcir ou de l’envoyer en plusieurs parties.',
  'model.rateLimited':
    'Je reçois trop de demandes en ce moment. Merci de réessayer dans une minute.',
  'model.timeout': 'Désolé, ma réponse prend trop de temps. Merci de réessayer dans un instant.',
  'model.rejected':
    'Désolé, le modèle de langage a refusé cette demande. Essayez de la reformuler.',
  'model.empty': 'Désolé, je n’ai pas trouvé de réponse à cela. Essayez de reformuler.',
  'model.unavailable':
    'Désolé, je n’arrive pas à joindre mon modèle de langage pour le moment. Merci de réessayer dans un instant.',
  'memory.unavailable':
    'Désolé, je n’arrive pas à accéder à ma mémoire pour le moment. Merci de réessayer dans un instant.',
  'turn.busySoon':
    'Je réponds encore à votre message précédent. Merci de renvoyer celui-ci dans quelques secondes.',
  'turn.busy':
    'Je réponds encore à votre message précédent. Merci de renvoyer celui-ci dans {seconds|one:# seconde|many:# secondes|other:# secondes}.',
  'turn.rateLimitedSoon':
    'Vous envoyez des messages plus vite que je ne peux répondre. Merci de réessayer dans quelques secondes.',
  'turn.rateLimited':
    'Vous envoyez des messages plus vite que je ne peux répondre. Merci de réessayer dans {seconds|one:# seconde|many:# secondes|other:# secondes}.',
  'turn.aborted':
    'Je redémarre et n’ai pas pu terminer cette réponse. Merci de reposer votre question.',
  'error.generic':
    'Désolé, un problème est survenu de mon côté. Merci de réessayer dans un instant.',
  'budget.spent':
    'Vous avez utilisé les {budget} jetons d’aujourd’hui. Je pourrai de nouveau répondre après minuit UTC, dans environ {hours|one:# heure|other:# heures}.',
  'budget.spentSoon':
    'Vous avez utilisé les {budget} jetons d’aujourd’hui. Je pourrai de nouveau répondre après minuit UTC, dans {minutes|one:# minute|other:# minutes}.',

  'notice.withoutMemory':
    'Je n’arrive pas à accéder à ma mémoire pour le moment, j’ai donc répondu sans notre conversation précédente.',
  'images.unseen':
    'Le modèle de langage que j’utilise ne voit pas les images, j’ai donc répondu seulement à votre texte.',
  'images.unseenOnly':
    'Le modèle de langage que j’utilise ne voit pas les images. Décrivez l’image avec des mots et je vous aiderai.',
  'access.notAllowed':
    'Désolé, je ne suis pas disponible pour vous ici. Demandez l’accès à la personne qui gère ce bot.',
  'media.textOnly':
    'Je ne sais lire que du texte, des images, des messages vocaux et des fichiers texte.',
  'command.unknown': 'Je ne connais pas /{name}.',
  'command.unknownWithHelp': 'Je ne connais pas /{name}. /help liste ce que je sais faire.',

  'attach.unsupported':
    'Je n’ai pas pu lire {names} : je sais lire du texte, des images, des messages vocaux et des fichiers texte.',
  'attach.firstImagesOnly':
    'Je n’ai regardé que {max|one:la première image|many:les # premières images|other:les # premières images}.',
  'attach.imageTooLarge':
    '{name} est trop volumineux : je peux regarder des images de {megabytes} Mo au maximum.',
  'attach.notAnImage':
    '{name} n’est pas une image JPEG, PNG, WebP ou GIF, je n’ai donc pas pu la regarder.',
  'attach.fileTooLong':
    '{names} {count|one:est trop long|many:sont trop longs|other:sont trop longs} : je peux lire au plus {max} caractères de fichiers par message.',
  'attach.notText':
    'Je n’ai pas pu lire {name} : ce n’est pas du texte UTF-8. Je sais lire des fichiers texte, des images et des messages vocaux.',
  'attach.voiceOff': 'Je ne peux pas écouter de messages vocaux ici. Merci d’écrire votre message.',
  'attach.audioTooLong':
    'Votre message vocal dure {duration}, et je peux écouter au plus {max}. Merci d’en envoyer un plus court.',
  'attach.audioTooLarge':
    'Votre message vocal est trop volumineux pour que je l’écoute. Merci d’en envoyer un plus court.',
  'attach.firstAudioOnly': 'Je n’ai écouté que le premier message vocal.',
  'attach.transcriptionFailed':
    'Désolé, je n’ai pas pu transcrire votre message vocal. Réessayez dans un instant, ou écrivez-le.',
  'attach.noWords': 'Je n’ai compris aucun mot dans votre message vocal.',
  'attach.fetchFailed': 'Désolé, je n’ai pas pu récupérer {name}. Merci de l’envoyer à nouveau.',

  'memory.nothing': 'Je ne me souviens encore de rien de cette conversation.',
  'memory.summary': 'Ce dont je me souviens : {summary}',
  'memory.recent':
    '{count|one:# message récent conservé|many:# messages récents conservés|other:# messages récents conservés} mot pour mot ({tokens|one:# jeton|many:# jetons|other:# jetons}).',
  'memory.factsHeading': 'Ce que je sais de vous ici :',
  'memory.moreFacts':
    '(et {count|one:# fait plus ancien non affiché|many:# faits plus anciens non affichés|other:# faits plus anciens non affichés})',
  'memory.learningOn': 'Apprendre des faits sur vous : activé (/remember off l’arrête).',
  'memory.learningOff': 'Apprendre des faits sur vous : désactivé (/remember on le reprend).',
  'forget.here': 'C’est fait : j’ai oublié notre conversation ici.',
  'forget.everywhere': 'C’est fait : j’ai oublié toutes nos conversations.',
  'forget.everywhereCount': 'C’est fait : j’ai oublié toutes nos conversations ({count}).',
  'facts.deleted': 'Supprimé : je ne le sais plus.',
  'facts.alreadyGone': 'Ce fait avait déjà été supprimé.',
  'facts.off': 'Ce bot ne conserve pas de faits sur les personnes.',
  'buttons.notYours': 'Ces boutons appartiennent à la personne qui a demandé /memory.',
  'buttons.stale': 'Ce bouton ne fonctionne plus. Envoyez /memory à nouveau.',
  'remember.usage':
    'Dites-moi quoi retenir, par exemple « /remember je suis végétarien ». « /remember off » m’empêche d’apprendre des faits sur vous ; « /remember on » reprend.',
  'remember.learningOff':
    'C’est fait : je n’apprendrai plus de nouveaux faits sur vous. Ce que je sais déjà reste jusqu’à ce que vous le supprimiez (/memory) ou disiez /remember on.',
  'remember.learningOn':
    'C’est fait : j’apprendrai de nouveau des faits sur vous au fil de nos échanges.',
  'remember.added': 'Noté : « {fact} ». /memory montre ce que je sais de vous.',
  'remember.known': 'Je le savais déjà.',
  'remember.tooLong':
    'C’est trop long pour être retenu comme fait : {limit|one:# caractère|many:# caractères|other:# caractères} au maximum.',
  'persona.none':
    'Cette discussion n’a pas de personnage. Donnez-lui-en un avec /persona et son texte, par exemple « /persona Tu es un pirate joyeux qui adore les jeux de mots. »',
  'persona.current':
    'Le personnage de cette discussion :\n\n{persona}\n\n/persona reset le supprime.',
  'persona.set':
    'C’est fait : c’est désormais le personnage de cette discussion. /persona l’affiche, /persona reset le supprime.',
  'persona.reset': 'C’est fait : cette discussion n’a plus de personnage.',
  'persona.tooLong':
    'Ce personnage fait {length|one:# caractère|other:# caractères}, et un personnage peut en faire au plus {limit}. Merci de le raccourcir.',
  'persona.adminsOnly':
    'Désolé, seuls les administrateurs de ce groupe peuvent changer son personnage.',
  'persona.managersOnly':
    'Désolé, seules les personnes qui peuvent gérer ce serveur peuvent changer le personnage de ses salons.',
  'model.current':
    'Ici, je vous réponds avec {model}. Vous pouvez choisir {models} : /model suivi de son nom.',
  'model.only': 'Je vous réponds avec {model} : c’est le seul modèle que je propose.',
  'model.chosen': 'C’est fait : je vous répondrai avec {model} dans cette discussion.',
  'model.unknown':
    'Je ne propose pas ce modèle. Vous pouvez choisir {models} : /model suivi de son nom.',
  'usage.tokens':
    'Jetons utilisés aujourd’hui : {today}. Ce mois-ci : {month}. Les réponses, les résumés de nos conversations et les faits que j’apprends comptent tous.',
  'usage.budget':
    'Votre quota quotidien est de {budget} jetons : il vous en reste {left} aujourd’hui. Il se renouvelle à minuit UTC.',

  'greeting.hello': 'Bonjour {name} ! Je suis un chatbot qui se souvient de notre conversation.',
  'greeting.helloAnonymous': 'Bonjour ! Je suis un chatbot qui se souvient de notre conversation.',
  'greeting.keptForever':
    'Je garde un court résumé et nos messages récents, séparément pour chaque discussion et chaque personne, jusqu’à ce que vous me demandiez d’oublier.',
  'greeting.keptDays':
    'Je garde un court résumé et nos messages récents, séparément pour chaque discussion et chaque personne, pendant {days|one:# jour|many:# jours|other:# jours} après votre dernier message.',
  'greeting.keptMinutes':
    'Je garde un court résumé et nos messages récents, séparément pour chaque discussion et chaque personne, pendant {minutes|one:# minute|many:# minutes|other:# minutes} après votre dernier message.',
  'greeting.commands':
    'Utilisez /memory pour voir ce dont je me souviens et /forget pour l’effacer (/forget all : toutes les discussions).',
  'help.howToTalk':
    'En discussion privée, écrivez simplement. Dans un groupe, mentionnez {username} ou répondez à l’un de mes messages.',
  'help.memory': '/memory : ce dont je me souviens de vous dans cette discussion',
  'help.forget': '/forget : oublier cette discussion',
  'help.forgetAll': '/forget all : oublier toutes nos discussions',
  'help.remember':
    '/remember <texte> : retenir un fait sur vous (/memory les liste, avec des boutons pour les supprimer)',
  'help.rememberSwitch':
    '/remember off, /remember on : arrêter ou reprendre l’apprentissage de faits sur vous',
  'help.persona':
    '/persona <texte> : donner un personnage à cette discussion (/persona l’affiche, /persona reset le supprime ; dans les groupes, administrateurs seulement)',
  'help.model':
    '/model : les modèles que je propose ; /model <nom> choisit le vôtre pour cette discussion',
  'help.usage': '/usage : vos jetons aujourd’hui et ce mois-ci',

  'command.start': 'Dire bonjour et voir ce dont je me souviens',
  'command.help': 'Comment me parler',
  'command.memory': 'Ce dont je me souviens de vous dans cette discussion',
  'command.remember': 'Retenir un fait sur vous (« /remember off » : ne plus apprendre)',
  'command.forget': 'Oublier cette discussion (« /forget all » : toutes les discussions)',
  'command.persona':
    'Afficher ou définir le personnage de cette discussion (administrateurs dans les groupes)',
  'command.model': 'Afficher ou choisir le modèle avec lequel je vous réponds ici',
  'command.usage': 'Vos jetons aujourd’hui et ce mois-ci',

  'discord.forget': 'Faire oublier au bot ce dont il se souvient de vous',
  'discord.forget.scope': 'Où oublier (par défaut : ce salon)',
  'discord.forget.here': 'ce salon',
  'discord.forget.everywhere': 'partout',
  'discord.memory': 'Afficher ce dont le bot se souvient de vous dans ce salon',
  'discord.remember':
    'Faire retenir au bot un fait sur vous, ou arrêter ou reprendre son apprentissage',
  'discord.remember.fact': 'Quoi retenir, par exemple « je suis végétarien »',
  'discord.remember.learning':
    'Apprendre des faits sur vous au fil des échanges (par défaut : activé)',
  'discord.remember.on': 'activé',
  'discord.remember.off': 'désactivé',
  'discord.persona': 'Afficher, définir ou supprimer le personnage de ce salon',
  'discord.persona.text':
    'Le personnage, par exemple « Tu es un pirate joyeux qui adore les jeux de mots »',
  'discord.persona.reset': 'Supprimer le personnage de ce salon',
  'discord.model': 'Afficher ou choisir le modèle avec lequel le bot vous répond dans ce salon',
  'discord.model.name': 'Le modèle à choisir (/model seul les liste)',
  'discord.usage': 'Vos jetons aujourd’hui et ce mois-ci',
};
