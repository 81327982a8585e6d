import type { Catalog } from './en.js';

/** Portuguese (Brazil). Keys and syntax: see `en.ts`. */
export const ptBR: Catalog = {
  'input.empty': 'Sua mensagem está vazia: me envie algum texto e eu respondo.',
  'input.tooLong':
    'Sua mensagem tem {length|one:# caractere|other:# caracteres}, e eu consigo ler no máximo {limit}. Encurte ou envie em partes, por favor.',
  'model.rateLimited':
    'Estou recebendo pedidos demais agora. Tente de novo daqui a um minuto, por favor.',
  'model.timeout':
    'Desculpe, minha resposta está demorando demais. Tente de novo daqui a pouco, por favor.',
  'model.rejected': 'Desculpe, o modelo de linguagem recusou esse pedido. Tente reformular.',
  'model.empty': 'Desculpe, não consegui pensar em uma resposta para isso. Tente reformular.',
  'model.unavailable':
    'Desculpe, não consigo acessar meu modelo de linguagem agora. Tente de novo daqui a pouco, por favor.',
  'memory.unavailable':
    'Desculpe, não consigo acessar minha memória agora. Tente de novo daqui a pouco, por favor.',
  'turn.busySoon':
    'Ainda estou respondendo à sua mensagem anterior. Envie esta de novo daqui a alguns segundos, por favor.',
  'turn.busy':
    'Ainda estou respondendo à sua mensagem anterior. Envie esta de novo daqui a {seconds|one:# segundo|other:# segundos}, por favor.',
  'turn.rateLimitedSoon':
    'Você está enviando mensagens mais rápido do que consigo responder. Tente de novo daqui a alguns segundos, por favor.',
  'turn.rateLimited':
    'Você está enviando mensagens mais rápido do que consigo responder. Tente de novo daqui a {seconds|one:# segundo|other:# segundos}, por favor.',
  'turn.aborted':
    'Estou reiniciando e não consegui terminar esta resposta. Pergunte de novo, por favor.',
  'error.generic': 'Desculpe, algo deu errado do meu lado. Tente de novo daqui a pouco, por favor.',
  'budget.spent':
    'Você usou os {budget} tokens de hoje. Posso responder de novo depois da meia-noite UTC, daqui a cerca de {hours|one:# hora|other:# horas}.',
  'budget.spentSoon':
    'Você usou os {budget} tokens de hoje. Posso responder de novo depois da meia-noite UTC, daqui a {minutes|one:# minuto|other:# minutos}.',

  'notice.withoutMemory':
    'Não consigo acessar minha memória agora, então respondi sem a nossa conversa anterior.',
  'images.unseen':
    'O modelo de linguagem que uso não consegue ver imagens, então respondi só ao seu texto.',
  'images.unseenOnly':
    'O modelo de linguagem que uso não consegue ver imagens. Descreva a imagem em palavras e eu ajudo.',
  'access.notAllowed':
    'Desculpe, não estou disponível para você aqui. Peça acesso a quem administra este bot.',
  'media.textOnly': 'Só consigo ler texto, imagens, mensagens de voz e arquivos de texto.',
  'command.unknown': 'Não conheço /{name}.',
  'command.unknownWithHelp': 'Não conheço /{name}. O /help lista o que eu sei fazer.',

  'attach.unsupported':
    'Não consegui ler {names}: consigo ler texto, imagens, mensagens de voz e arquivos de texto.',
  'attach.firstImagesOnly': 'Olhei só {max|one:a primeira imagem|other:as primeiras # imagens}.',
  'attach.imageTooLarge':
    '{name} é grande demais: consigo olhar imagens de no máximo {megabytes} MB.',
  'attach.notAnImage': '{name} não é uma imagem JPEG, PNG, WebP ou GIF, então não consegui olhar.',
  'attach.fileTooLong':
    '{names} {count|one:é longo demais|other:são longos demais}: consigo ler no máximo {max} caracteres de arquivos em uma mensagem.',
  'attach.notText':
    'Não consegui ler {name}: não é texto UTF-8. Consigo ler arquivos de texto, imagens e mensagens de voz.',
  'attach.voiceOff': 'Aqui não consigo ouvir mensagens de voz. Escreva sua mensagem, por favor.',
  'attach.audioTooLong':
    'Sua mensagem de voz tem {duration}, e consigo ouvir no máximo {max}. Envie uma mais curta, por favor.',
  'attach.audioTooLarge':
    'Sua mensagem de voz é grande demais para eu ouvir. Envie uma mais curta, por favor.',
  'attach.firstAudioOnly': 'Ouvi só a primeira mensagem de voz.',
  'attach.transcriptionFailed':
    'Desculpe, não consegui transcrever sua mensagem de voz. Tente de novo daqui a pouco ou escreva.',
  'attach.noWords': 'Não consegui entender nenhuma palavra na sua mensagem de voz.',
  'attach.fetchFailed': 'Desculpe, não consegui baixar {name}. Envie de novo, por favor.',

  'memory.nothing': 'Ainda não me lembro de nada desta conversa.',
  'memory.summary': 'O que eu lembro: {summary}',
  'memory.recent':
    '{count|one:# mensagem recente guardada|other:# mensagens recentes guardadas} palavra por palavra ({tokens|one:# token|other:# tokens}).',
  'memory.factsHeading': 'O que sei sobre você aqui:',
  'memory.moreFacts':
    '(e mais {count|one:# fato antigo não mostrado|other:# fatos antigos não mostrados})',
  'memory.learningOn': 'Aprender fatos sobre você: ativado (/remember off desativa).',
  'memory.learningOff': 'Aprender fatos sobre você: desativado (/remember on reativa).',
  'forget.here': 'Pronto: esqueci nossa conversa aqui.',
  'forget.everywhere': 'Pronto: esqueci todas as nossas conversas.',
  'forget.everywhereCount': 'Pronto: esqueci todas as nossas conversas ({count}).',
  'facts.deleted': 'Apagado: não sei mais disso.',
  'facts.alreadyGone': 'Esse fato já tinha sido apagado.',
  'facts.off': 'Este bot não guarda fatos sobre as pessoas.',
  'buttons.notYours': 'Estes botões são de quem pediu o /memory.',
  'buttons.stale': 'Este botão não funciona mais. Envie /memory de novo.',
  'remember.usage':
    'Diga o que devo lembrar, por exemplo: "/remember sou vegetariano". "/remember off" faz eu parar de aprender fatos sobre você; "/remember on" retoma.',
  'remember.learningOff':
    'Pronto: não vou aprender novos fatos sobre você. O que já sei fica até você apagar (/memory) ou dizer /remember on.',
  'remember.learningOn': 'Pronto: vou voltar a aprender fatos sobre você enquanto conversamos.',
  'remember.added': 'Anotado: "{fact}". O /memory mostra o que sei sobre você.',
  'remember.known': 'Eu já sabia disso.',
  'remember.tooLong':
    'Isso é longo demais para guardar como fato: no máximo {limit|one:# caractere|other:# caracteres}.',
  'persona.none':
    'Este chat não tem personagem. Dê um com /persona e o texto, por exemplo: "/persona Você é um pirata alegre que adora trocadilhos."',
  'persona.current': 'O personagem deste chat:\n\n{persona}\n\n/persona reset remove.',
  'persona.set':
    'Pronto: este é o personagem deste chat agora. /persona mostra, /persona reset remove.',
  'persona.reset': 'Pronto: este chat não tem mais personagem.',
  'persona.tooLong':
    'Esse personagem tem {length|one:# caractere|other:# caracteres}, e pode ter no máximo {limit}. Encurte, por favor.',
  'persona.adminsOnly':
    'Desculpe, só os administradores deste grupo podem mudar o personagem dele.',
  'persona.managersOnly':
    'Desculpe, só quem pode gerenciar este servidor pode mudar o personagem dos canais dele.',
  'model.current':
    'Aqui eu respondo você com {model}. Você pode escolher {models}: /model e o nome.',
  'model.only': 'Eu respondo você com {model}: é o único modelo que ofereço.',
  'model.chosen': 'Pronto: vou responder você com {model} neste chat.',
  'model.unknown': 'Não ofereço esse modelo. Você pode escolher {models}: /model e o nome.',
  'usage.tokens':
    'Tokens que você usou hoje: {today}. Neste mês: {month}. Respostas, resumos das nossas conversas e os fatos que aprendo, tudo conta.',
  'usage.budget':
    'Seu limite diário é de {budget} tokens: restam {left} hoje. Ele recomeça à meia-noite UTC.',

  'greeting.hello': 'Oi, {name}! Sou um bot de chat que lembra da nossa conversa.',
  'greeting.helloAnonymous': 'Oi! Sou um bot de chat que lembra da nossa conversa.',
  'greeting.keptForever':
    'Guardo um breve resumo e nossas mensagens recentes, separadamente para cada chat e cada pessoa, até você me pedir para esquecer.',
  'greeting.keptDays':
    'Guardo um breve resumo e nossas mensagens recentes, separadamente para cada chat e cada pessoa, por {days|one:# dia|other:# dias} após sua última mensagem.',
  'greeting.keptMinutes':
    'Guardo um breve resumo e nossas mensagens recentes, separadamente para cada chat e cada pessoa, por {minutes|one:# minuto|other:# minutos} após sua última mensagem.',
  'greeting.commands':
    'Use /memory para ver o que eu lembro e /forget para apagar (/forget all: todos os chats).',
  'help.howToTalk':
    'Em um chat privado, é só escrever. Em um grupo, mencione {username} ou responda a uma das minhas mensagens.',
  'help.memory': '/memory: o que eu lembro de você neste chat',
  'help.forget': '/forget: esquecer este chat',
  'help.forgetAll': '/forget all: esquecer todos os chats com você',
  'help.remember':
    '/remember <texto>: guardar um fato sobre você (/memory lista os fatos, com botões para apagar)',
  'help.rememberSwitch': '/remember off, /remember on: parar ou voltar a aprender fatos sobre você',
  'help.persona':
    '/persona <texto>: dar um personagem a este chat (/persona mostra, /persona reset remove; em grupos, só administradores)',
  'help.model': '/model: os modelos que ofereço; /model <nome> escolhe o seu para este chat',
  'help.usage': '/usage: seus tokens de hoje e deste mês',

  'command.start': 'Dizer oi e ver o que eu lembro',
  'command.help': 'Como falar comigo',
  'command.memory': 'O que eu lembro de você neste chat',
  'command.remember': 'Lembrar um fato sobre você ("/remember off": parar de aprender)',
  'command.forget': 'Esquecer este chat ("/forget all": todos os chats)',
  'command.persona': 'Ver ou definir o personagem deste chat (em grupos, administradores)',
  'command.model': 'Ver ou escolher o modelo com que respondo você aqui',
  'command.usage': 'Seus tokens de hoje e deste mês',

  'discord.forget': 'Fazer o bot esquecer o que lembra de você',
  'discord.forget.scope': 'Onde esquecer (padrão: este canal)',
  'discord.forget.here': 'este canal',
  'discord.forget.everywhere': 'em todo lugar',
  'discord.memory': 'Mostrar o que o bot lembra de você neste canal',
  'discord.remember': 'Fazer o bot lembrar um fato sobre você, ou parar ou retomar o aprendizado',
  'discord.remember.fact': 'O que lembrar, por exemplo: "sou vegetariano"',
  'discord.remember.learning': 'Aprender fatos sobre você enquanto conversam (padrão: ativado)',
  'discord.remember.on': 'ativado',
  'discord.remember.off': 'desativado',
  'discord.persona': 'Ver, definir ou remover o personagem deste canal',
  'discord.persona.text':
    'O personagem, por exemplo: "Você é um pirata alegre que adora trocadilhos"',
  'discord.persona.reset': 'Remover o personagem deste canal',
  'discord.model': 'Ver ou escolher o modelo com que o bot responde você neste canal',
  'discord.model.name': 'O modelo a escolher (só /model lista todos)',
  'discord.usage': 'Seus tokens de hoje e deste mês',
};
