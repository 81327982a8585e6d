import type { Catalog } from './en.js';

/** Spanish. Keys and syntax: see `en.ts`. */
export const es: Catalog = {
  'input.empty': 'Tu mensaje está vacío: envíame algo de texto y te responderé.',
  'input.tooLong':
    'Tu mensaje tiene {length|one:# carácter|other:# caracteres}, y puedo leer como máximo {limit}. Acórtalo o envíalo en partes, por favor.',
  'model.rateLimited':
    'Estoy recibiendo demasiadas solicitudes ahora mismo. Inténtalo de nuevo en un minuto, por favor.',
  'model.timeout':
    'Lo siento, mi respuesta está tardando demasiado. Inténtalo de nuevo en un momento, por favor.',
  'model.rejected':
    'Lo siento, el modelo de lenguaje rechazó esa solicitud. Prueba a reformularla.',
  'model.empty': 'Lo siento, no se me ocurrió ninguna respuesta. Prueba a reformularlo.',
  'model.unavailable':
    'Lo siento, ahora mismo no puedo conectar con mi modelo de lenguaje. Inténtalo de nuevo en un momento, por favor.',
  'memory.unavailable':
    'Lo siento, ahora mismo no puedo acceder a mi memoria. Inténtalo de nuevo en un momento, por favor.',
  'turn.busySoon':
    'Todavía estoy respondiendo a tu mensaje anterior. Vuelve a enviar este en unos segundos, por favor.',
  'turn.busy':
    'Todavía estoy respondiendo a tu mensaje anterior. Vuelve a enviar este dentro de {seconds|one:# segundo|other:# segundos}, por favor.',
  'turn.rateLimitedSoon':
    'Envías mensajes más rápido de lo que puedo responder. Inténtalo de nuevo en unos segundos, por favor.',
  'turn.rateLimited':
    'Envías mensajes más rápido de lo que puedo responder. Inténtalo de nuevo dentro de {seconds|one:# segundo|other:# segundos}, por favor.',
  'turn.aborted':
    'Me estoy reiniciando y no pude terminar esta respuesta. Vuelve a preguntar, por favor.',
  'error.generic':
    'Lo siento, algo salió mal por mi parte. Inténtalo de nuevo en un momento, por favor.',
  'budget.spent':
    'Has usado los {budget} tokens de hoy. Podré responderte de nuevo después de la medianoche UTC, dentro de {hours|one:aproximadamente # hora|other:unas # horas}.',
  'budget.spentSoon':
    'Has usado los {budget} tokens de hoy. Podré responderte de nuevo después de la medianoche UTC, dentro de {minutes|one:# minuto|other:# minutos}.',

  'notice.withoutMemory':
    'Ahora mismo no puedo acceder a mi memoria, así que respondí sin nuestra conversación anterior.',
  'images.unseen':
    'El modelo de lenguaje que uso no puede ver imágenes, así que solo respondí a tu texto.',
  'images.unseenOnly':
    'El modelo de lenguaje que uso no puede ver imágenes. Describe la imagen con palabras y te ayudaré.',
  'access.notAllowed':
    'Lo siento, aquí no estoy disponible para ti. Pide acceso a quien administra este bot.',
  'media.textOnly': 'Solo puedo leer texto, imágenes, mensajes de voz y archivos de texto.',
  'command.unknown': 'No conozco /{name}.',
  'command.unknownWithHelp': 'No conozco /{name}. En /help verás lo que puedo hacer.',

  'attach.unsupported':
    'No pude leer {names}: puedo leer texto, imágenes, mensajes de voz y archivos de texto.',
  'attach.firstImagesOnly': 'Solo miré {max|one:la primera imagen|other:las primeras # imágenes}.',
  'attach.imageTooLarge':
    '{name} es demasiado grande: puedo mirar imágenes de {megabytes} MB como máximo.',
  'attach.notAnImage': '{name} no es una imagen JPEG, PNG, WebP ni GIF, así que no pude mirarla.',
  'attach.fileTooLong':
    '{names} {count|one:es demasiado largo|other:son demasiado largos}: puedo leer como máximo {max} caracteres de archivos en un mensaje.',
  'attach.notText':
    'No pude leer {name}: no es texto UTF-8. Puedo leer archivos de texto, imágenes y mensajes de voz.',
  'attach.voiceOff': 'Aquí no puedo escuchar mensajes de voz. Escribe tu mensaje, por favor.',
  'attach.audioTooLong':
    'Tu mensaje de voz dura {duration}, y puedo escuchar como máximo {max}. Envía uno más corto, por favor.',
  'attach.audioTooLarge':
    'Tu mensaje de voz es demasiado grande para escucharlo. Envía uno más corto, por favor.',
  'attach.firstAudioOnly': 'Solo escuché el primer mensaje de voz.',
  'attach.transcriptionFailed':
    'Lo siento, no pude transcribir tu mensaje de voz. Inténtalo de nuevo en un momento o escríbelo.',
  'attach.noWords': 'No logré entender ninguna palabra en tu mensaje de voz.',
  'attach.fetchFailed': 'Lo siento, no pude descargar {name}. Envíalo de nuevo, por favor.',

  'memory.nothing': 'Todavía no recuerdo nada de esta conversación.',
  'memory.summary': 'Lo que recuerdo: {summary}',
  'memory.recent':
    '{count|one:# mensaje reciente guardado|other:# mensajes recientes guardados} palabra por palabra ({tokens|one:# token|other:# tokens}).',
  'memory.factsHeading': 'Lo que sé de ti aquí:',
  'memory.moreFacts':
    '(y {count|one:# dato más antiguo no mostrado|other:# datos más antiguos no mostrados})',
  'memory.learningOn': 'Aprender datos sobre ti: activado (/remember off lo detiene).',
  'memory.learningOff': 'Aprender datos sobre ti: desactivado (/remember on lo reanuda).',
  'forget.here': 'Hecho: he olvidado nuestra conversación aquí.',
  'forget.everywhere': 'Hecho: he olvidado todas nuestras conversaciones.',
  'forget.everywhereCount': 'Hecho: he olvidado todas nuestras conversaciones ({count}).',
  'facts.deleted': 'Borrado: ya no sé eso.',
  'facts.alreadyGone': 'Ese dato ya no estaba.',
  'facts.off': 'Este bot no guarda datos sobre las personas.',
  'buttons.notYours': 'Estos botones son de la persona que pidió /memory.',
  'buttons.stale': 'Este botón ya no funciona. Envía /memory de nuevo.',
  'remember.usage':
    'Dime qué debo recordar, p. ej. "/remember soy vegetariano". "/remember off" hace que deje de aprender datos sobre ti; "/remember on" lo reanuda.',
  'remember.learningOff':
    'Hecho: no aprenderé nuevos datos sobre ti. Lo que ya sé se queda hasta que lo borres (/memory) o digas /remember on.',
  'remember.learningOn': 'Hecho: volveré a aprender datos sobre ti mientras hablamos.',
  'remember.added': 'Anotado: "{fact}". /memory muestra lo que sé de ti.',
  'remember.known': 'Eso ya lo sabía.',
  'remember.tooLong':
    'Es demasiado largo para guardarlo como dato: {limit|one:# carácter|other:# caracteres} como máximo.',
  'persona.none':
    'Este chat no tiene personaje. Dale uno con /persona y su texto, p. ej. "/persona Eres un pirata alegre al que le encantan los juegos de palabras."',
  'persona.current': 'El personaje de este chat:\n\n{persona}\n\n/persona reset lo quita.',
  'persona.set':
    'Hecho: este es ahora el personaje de este chat. /persona lo muestra, /persona reset lo quita.',
  'persona.reset': 'Hecho: este chat ya no tiene personaje.',
  'persona.tooLong':
    'Ese personaje tiene {length|one:# carácter|other:# caracteres}, y puede tener como máximo {limit}. Acórtalo, por favor.',
  'persona.adminsOnly':
    'Lo siento, solo los administradores de este grupo pueden cambiar su personaje.',
  'persona.managersOnly':
    'Lo siento, solo quienes pueden gestionar este servidor pueden cambiar el personaje de sus canales.',
  'model.current': 'Aquí te respondo con {model}. Puedes elegir {models}: /model y su nombre.',
  'model.only': 'Te respondo con {model}: es el único modelo que ofrezco.',
  'model.chosen': 'Hecho: te responderé con {model} en este chat.',
  'model.unknown': 'No ofrezco ese modelo. Puedes elegir {models}: /model y su nombre.',
  'usage.tokens':
    'Tokens que has usado hoy: {today}. Este mes: {month}. Cuentan las respuestas, los resúmenes de nuestras conversaciones y los datos que aprendo.',
  'usage.budget':
    'Tu límite diario es de {budget} tokens: te quedan {left} hoy. Se renueva a medianoche UTC.',

  'greeting.hello': '¡Hola, {name}! Soy un bot de chat que recuerda nuestra conversación.',
  'greeting.helloAnonymous': '¡Hola! Soy un bot de chat que recuerda nuestra conversación.',
  'greeting.keptForever':
    'Guardo un breve resumen y nuestros mensajes recientes, por separado para cada chat y cada persona, hasta que me pidas que los olvide.',
  'greeting.keptDays':
    'Guardo un breve resumen y nuestros mensajes recientes, por separado para cada chat y cada persona, durante {days|one:# día|other:# días} después de tu último mensaje.',
  'greeting.keptMinutes':
    'Guardo un breve resumen y nuestros mensajes recientes, por separado para cada chat y cada persona, durante {minutes|one:# minuto|other:# minutos} después de tu último mensaje.',
  'greeting.commands':
    'Usa /memory para ver lo que recuerdo y /forget para borrarlo (/forget all: todos los chats).',
  'help.howToTalk':
    'En un chat privado, simplemente escribe. En un grupo, menciona a {username} o responde a uno de mis mensajes.',
  'help.memory': '/memory: lo que recuerdo de ti en este chat',
  'help.forget': '/forget: olvidar este chat',
  'help.forgetAll': '/forget all: olvidar todos los chats contigo',
  'help.remember':
    '/remember <texto>: guardar un dato sobre ti (/memory los muestra, con botones para borrarlos)',
  'help.rememberSwitch':
    '/remember off, /remember on: dejar de aprender o volver a aprender datos sobre ti',
  'help.persona':
    '/persona <texto>: darle un personaje a este chat (/persona lo muestra, /persona reset lo quita; en grupos, solo administradores)',
  'help.model': '/model: los modelos que ofrezco; /model <nombre> elige el tuyo para este chat',
  'help.usage': '/usage: tus tokens de hoy y de este mes',

  'command.start': 'Saludar y ver lo que recuerdo',
  'command.help': 'Cómo hablar conmigo',
  'command.memory': 'Lo que recuerdo de ti en este chat',
  'command.remember': 'Recordar un dato sobre ti ("/remember off": dejar de aprender)',
  'command.forget': 'Olvidar este chat ("/forget all": todos los chats)',
  'command.persona': 'Ver o definir el personaje de este chat (en grupos, administradores)',
  'command.model': 'Ver o elegir el modelo con el que te respondo aquí',
  'command.usage': 'Tus tokens de hoy y de este mes',

  'discord.forget': 'Hacer que el bot olvide lo que recuerda de ti',
  'discord.forget.scope': 'Dónde olvidar (por defecto: este canal)',
  'discord.forget.here': 'este canal',
  'discord.forget.everywhere': 'en todas partes',
  'discord.memory': 'Mostrar lo que el bot recuerda de ti en este canal',
  'discord.remember':
    'Hacer que el bot recuerde un dato sobre ti, o detener o reanudar su aprendizaje',
  'discord.remember.fact': 'Qué recordar, p. ej. "soy vegetariano"',
  'discord.remember.learning': 'Aprender datos sobre ti mientras hablas (por defecto: activado)',
  'discord.remember.on': 'activado',
  'discord.remember.off': 'desactivado',
  'discord.persona': 'Ver, definir o quitar el personaje de este canal',
  'discord.persona.text':
    'El personaje, p. ej. "Eres un pirata alegre al que le encantan los juegos de palabras"',
  'discord.persona.reset': 'Quitar el personaje de este canal',
  'discord.model': 'Ver o elegir el modelo con el que el bot te responde en este canal',
  'discord.model.name': 'El modelo que eliges (solo /model los lista)',
  'discord.usage': 'Tus tokens de hoy y de este mes',
};
