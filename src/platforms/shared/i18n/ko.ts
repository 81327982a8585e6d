import type { Catalog } from './en.js';

/** Korean. Keys and syntax: see `en.ts`. */
export const ko: Catalog = {
  'input.empty': '메시지가 비어 있어요. 텍스트를 보내 주시면 답해 드릴게요.',
  'input.tooLong':
    '메시지가 {length}자인데, 저는 최대 {limit}자까지 읽을 수 있어요. 줄이거나 나눠서 보내 주세요.',
  'model.rateLimited': '지금 요청이 너무 많아요. 1분 후에 다시 시도해 주세요.',
  'model.timeout': '죄송해요, 답변이 너무 오래 걸리고 있어요. 잠시 후 다시 시도해 주세요.',
  'model.rejected':
    '죄송해요, 언어 모델이 이 요청을 거부했어요. 다르게 표현해서 다시 시도해 주세요.',
  'model.empty': '죄송해요, 이 질문에는 답을 찾지 못했어요. 다르게 표현해서 다시 시도해 주세요.',
  'model.unavailable': '죄송해요, 지금 언어 모델에 연결할 수 없어요. 잠시 후 다시 시도해 주세요.',
  'memory.unavailable': '죄송해요, 지금 메모리에 연결할 수 없어요. 잠시 후 다시 시도해 주세요.',
  'turn.busySoon': '아직 이전 메시지에 답하는 중이에요. 몇 초 후에 이 메시지를 다시 보내 주세요.',
  'turn.busy':
    '아직 이전 메시지에 답하는 중이에요. {seconds|other:#초} 후에 이 메시지를 다시 보내 주세요.',
  'turn.rateLimitedSoon':
    '제가 답할 수 있는 속도보다 빠르게 메시지를 보내고 계세요. 몇 초 후에 다시 시도해 주세요.',
  'turn.rateLimited':
    '제가 답할 수 있는 속도보다 빠르게 메시지를 보내고 계세요. {seconds|other:#초} 후에 다시 시도해 주세요.',
  'turn.aborted': '재시작 중이라 이 답변을 끝내지 못했어요. 다시 질문해 주세요.',
  'error.generic': '죄송해요, 제 쪽에서 문제가 생겼어요. 잠시 후 다시 시도해 주세요.',
  'budget.spent':
    '오늘 쓸 수 있는 {budget}토큰을 모두 사용하셨어요. UTC 자정이 지나면 다시 답할 수 있어요(약 {hours|other:#시간} 후).',
  'budget.spentSoon':
    '오늘 쓸 수 있는 {budget}토큰을 모두 사용하셨어요. UTC 자정이 지나면 다시 답할 수 있어요({minutes|other:#분} 후).',

  'notice.withoutMemory': '지금 메모리에 연결할 수 없어서 이전 대화 없이 답했어요.',
  'images.unseen': '제가 쓰는 언어 모델은 이미지를 볼 수 없어서 텍스트에만 답했어요.',
  'images.unseenOnly':
    '제가 쓰는 언어 모델은 이미지를 볼 수 없어요. 사진을 말로 설명해 주시면 도와드릴게요.',
  'access.notAllowed':
    '죄송해요, 여기서는 저를 이용하실 수 없어요. 이 봇의 운영자에게 접근 권한을 요청해 주세요.',
  'media.textOnly': '저는 텍스트, 이미지, 음성 메시지, 텍스트 파일만 읽을 수 있어요.',
  'command.unknown': '/{name} 명령어는 모르겠어요.',
  'command.unknownWithHelp':
    '/{name} 명령어는 모르겠어요. 제가 할 수 있는 일은 /help에서 볼 수 있어요.',

  'attach.unsupported':
    '{names}을(를) 읽지 못했어요. 저는 텍스트, 이미지, 음성 메시지, 텍스트 파일을 읽을 수 있어요.',
  'attach.firstImagesOnly': '처음 {max|other:#장}의 이미지만 봤어요.',
  'attach.imageTooLarge': '{name}은(는) 너무 커요. 이미지는 최대 {megabytes}MB까지 볼 수 있어요.',
  'attach.notAnImage': '{name}은(는) JPEG, PNG, WebP, GIF 이미지가 아니라서 볼 수 없었어요.',
  'attach.fileTooLong':
    '{names}이(가) 너무 길어요. 한 메시지에서 파일은 최대 {max}자까지 읽을 수 있어요.',
  'attach.notText':
    '{name}을(를) 읽지 못했어요. UTF-8 텍스트가 아니에요. 저는 텍스트 파일, 이미지, 음성 메시지를 읽을 수 있어요.',
  'attach.voiceOff': '여기서는 음성 메시지를 들을 수 없어요. 대신 글로 써 주세요.',
  'attach.audioTooLong':
    '음성 메시지 길이가 {duration}인데, 저는 최대 {max}까지 들을 수 있어요. 더 짧게 보내 주세요.',
  'attach.audioTooLarge': '음성 메시지가 너무 커서 들을 수 없어요. 더 짧게 보내 주세요.',
  'attach.firstAudioOnly': '첫 번째 음성 메시지만 들었어요.',
  'attach.transcriptionFailed':
    '죄송해요, 음성 메시지를 글로 옮기지 못했어요. 잠시 후 다시 시도하거나 글로 써 주세요.',
  'attach.noWords': '음성 메시지에서 알아들을 수 있는 말이 없었어요.',
  'attach.fetchFailed': '죄송해요, {name}을(를) 가져오지 못했어요. 다시 보내 주세요.',

  'memory.nothing': '이 대화에서 아직 기억하는 것이 없어요.',
  'memory.summary': '기억하는 내용: {summary}',
  'memory.recent': '최근 메시지 {count|other:#개}({tokens|other:#토큰})를 그대로 보관하고 있어요.',
  'memory.factsHeading': '여기서 제가 알고 있는 당신에 대한 사실:',
  'memory.moreFacts': '(표시하지 않은 이전 사실 {count|other:#개})',
  'memory.learningOn': '당신에 대한 사실 학습: 켜짐 (/remember off로 중지)',
  'memory.learningOff': '당신에 대한 사실 학습: 꺼짐 (/remember on으로 재개)',
  'forget.here': '완료했어요. 여기서 나눈 대화를 잊었어요.',
  'forget.everywhere': '완료했어요. 우리의 모든 대화를 잊었어요.',
  'forget.everywhereCount': '완료했어요. 우리의 모든 대화({count}개)를 잊었어요.',
  'facts.deleted': '삭제했어요. 이제 그 내용은 모르는 상태예요.',
  'facts.alreadyGone': '그 사실은 이미 삭제되었어요.',
  'facts.off': '이 봇은 사람에 대한 사실을 보관하지 않아요.',
  'buttons.notYours': '이 버튼은 /memory를 요청한 사람만 쓸 수 있어요.',
  'buttons.stale': '이 버튼은 더 이상 작동하지 않아요. /memory를 다시 보내 주세요.',
  'remember.usage':
    '기억할 내용을 알려 주세요. 예: "/remember 저는 채식주의자예요". "/remember off"는 사실 학습을 멈추고, "/remember on"은 다시 시작해요.',
  'remember.learningOff':
    '완료했어요. 이제 당신에 대한 새로운 사실을 학습하지 않을게요. 이미 아는 내용은 삭제하거나(/memory) /remember on이라고 하실 때까지 남아 있어요.',
  'remember.learningOn': '완료했어요. 대화하면서 다시 당신에 대한 사실을 학습할게요.',
  'remember.added': '기억했어요: "{fact}". /memory에서 제가 아는 내용을 볼 수 있어요.',
  'remember.known': '이미 알고 있었어요.',
  'remember.tooLong': '사실로 보관하기에는 너무 길어요. 최대 {limit}자까지 가능해요.',
  'persona.none':
    '이 채팅에는 페르소나가 없어요. /persona 뒤에 내용을 써서 정해 주세요. 예: "/persona 너는 말장난을 좋아하는 유쾌한 해적이야."',
  'persona.current': '이 채팅의 페르소나:\n\n{persona}\n\n/persona reset으로 삭제할 수 있어요.',
  'persona.set':
    '완료했어요. 이제 이것이 이 채팅의 페르소나예요. /persona로 확인하고, /persona reset으로 삭제할 수 있어요.',
  'persona.reset': '완료했어요. 이 채팅의 페르소나를 삭제했어요.',
  'persona.tooLong': '페르소나가 {length}자인데, 최대 {limit}자까지 가능해요. 줄여 주세요.',
  'persona.adminsOnly': '죄송해요, 이 그룹의 페르소나는 관리자만 바꿀 수 있어요.',
  'persona.managersOnly':
    '죄송해요, 이 서버 채널의 페르소나는 서버 관리 권한이 있는 사람만 바꿀 수 있어요.',
  'model.current':
    '여기서는 {model}(으)로 답하고 있어요. 선택할 수 있는 모델: {models} (/model 뒤에 이름을 써 주세요).',
  'model.only': '{model}(으)로 답하고 있어요. 제공하는 모델은 이것뿐이에요.',
  'model.chosen': '완료했어요. 이 채팅에서는 {model}(으)로 답할게요.',
  'model.unknown':
    '그 모델은 제공하지 않아요. 선택할 수 있는 모델: {models} (/model 뒤에 이름을 써 주세요).',
  'usage.tokens':
    '오늘 사용한 토큰: {today}. 이번 달: {month}. 답변, 대화 요약, 제가 알게 된 사실이 모두 포함돼요.',
  'usage.budget': '하루 한도는 {budget}토큰이고, 오늘 {left} 남았어요. UTC 자정에 다시 채워져요.',

  'greeting.hello': '안녕하세요, {name}님! 저는 대화를 기억하는 챗봇이에요.',
  'greeting.helloAnonymous': '안녕하세요! 저는 대화를 기억하는 챗봇이에요.',
  'greeting.keptForever':
    '짧은 요약과 최근 메시지를 채팅별, 사람별로 따로 보관하며, 잊어 달라고 하실 때까지 유지해요.',
  'greeting.keptDays':
    '짧은 요약과 최근 메시지를 채팅별, 사람별로 따로 보관하며, 마지막 메시지 후 {days|other:#일} 동안 유지해요.',
  'greeting.keptMinutes':
    '짧은 요약과 최근 메시지를 채팅별, 사람별로 따로 보관하며, 마지막 메시지 후 {minutes|other:#분} 동안 유지해요.',
  'greeting.commands':
    '/memory로 제가 기억하는 내용을 보고, /forget으로 지울 수 있어요 (/forget all: 모든 채팅).',
  'help.howToTalk':
    '개인 채팅에서는 그냥 쓰시면 돼요. 그룹에서는 {username}을(를) 멘션하거나 제 메시지에 답장해 주세요.',
  'help.memory': '/memory: 이 채팅에서 제가 기억하는 당신에 대한 내용',
  'help.forget': '/forget: 이 채팅 잊기',
  'help.forgetAll': '/forget all: 당신과의 모든 채팅 잊기',
  'help.remember': '/remember <내용>: 당신에 대한 사실 보관 (/memory에서 삭제 버튼과 함께 표시)',
  'help.rememberSwitch': '/remember off, /remember on: 당신에 대한 사실 학습 중지 또는 재개',
  'help.persona':
    '/persona <내용>: 이 채팅의 페르소나 정하기 (/persona로 보기, /persona reset으로 삭제; 그룹에서는 관리자만)',
  'help.model': '/model: 제공하는 모델 목록; /model <이름>으로 이 채팅에서 쓸 모델 선택',
  'help.usage': '/usage: 오늘과 이번 달의 토큰 사용량',

  'command.start': '인사하고 제가 기억하는 내용 보기',
  'command.help': '저와 대화하는 방법',
  'command.memory': '이 채팅에서 제가 기억하는 당신에 대한 내용',
  'command.remember': '당신에 대한 사실 기억하기 ("/remember off": 학습 중지)',
  'command.forget': '이 채팅 잊기 ("/forget all": 모든 채팅)',
  'command.persona': '이 채팅의 페르소나 보기 또는 정하기 (그룹에서는 관리자)',
  'command.model': '여기서 쓰는 모델 보기 또는 선택',
  'command.usage': '오늘과 이번 달의 토큰 사용량',

  'discord.forget': '봇이 기억하는 당신에 대한 내용을 잊게 하기',
  'discord.forget.scope': '잊을 범위 (기본값: 이 채널)',
  'discord.forget.here': '이 채널',
  'discord.forget.everywhere': '모든 곳',
  'discord.memory': '이 채널에서 봇이 기억하는 당신에 대한 내용 보기',
  'discord.remember': '봇이 당신에 대한 사실을 기억하게 하거나, 학습을 중지 또는 재개하기',
  'discord.remember.fact': '기억할 내용 (예: "저는 채식주의자예요")',
  'discord.remember.learning': '대화하면서 당신에 대한 사실 학습하기 (기본값: 켜짐)',
  'discord.remember.on': '켜기',
  'discord.remember.off': '끄기',
  'discord.persona': '이 채널의 페르소나 보기, 정하기 또는 삭제',
  'discord.persona.text': '페르소나 (예: "너는 말장난을 좋아하는 유쾌한 해적이야")',
  'discord.persona.reset': '이 채널의 페르소나 삭제',
  'discord.model': '이 채널에서 봇이 쓰는 모델 보기 또는 선택',
  'discord.model.name': '선택할 모델 (/model만 쓰면 목록 표시)',
  'discord.usage': '오늘과 이번 달의 토큰 사용량',
};
