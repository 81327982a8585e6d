import type { Catalog } from './en.js';

/** Japanese. Keys and syntax: see `en.ts`. */
export const ja: Catalog = {
  'input.empty': 'メッセージが空です。テキストを送っていただければお答えします。',
  'input.tooLong':
    'メッセージが{length}文字あります。私が読めるのは{limit}文字までです。短くするか、分けて送ってください。',
  'model.rateLimited': '現在リクエストが集中しています。1分ほどしてからもう一度お試しください。',
  'model.timeout':
    'すみません、回答に時間がかかりすぎています。少ししてからもう一度お試しください。',
  'model.rejected':
    'すみません、言語モデルがこのリクエストを拒否しました。言い方を変えてお試しください。',
  'model.empty': 'すみません、うまく答えられませんでした。言い方を変えてお試しください。',
  'model.unavailable':
    'すみません、現在言語モデルに接続できません。少ししてからもう一度お試しください。',
  'memory.unavailable':
    'すみません、現在メモリーに接続できません。少ししてからもう一度お試しください。',
  'turn.busySoon': 'まだ前のメッセージに回答しています。数秒後にもう一度送ってください。',
  'turn.busy':
    'まだ前のメッセージに回答しています。{seconds|other:#秒}後にもう一度送ってください。',
  'turn.rateLimitedSoon':
    '回答が追いつかないペースでメッセージが届いています。数秒後にもう一度お試しください。',
  'turn.rateLimited':
    '回答が追いつかないペースでメッセージが届いています。{seconds|other:#秒}後にもう一度お試しください。',
  'turn.aborted': '再起動中のため、この回答を完了できませんでした。もう一度質問してください。',
  'error.generic': 'すみません、こちらで問題が発生しました。少ししてからもう一度お試しください。',
  'budget.spent':
    '本日の上限の{budget}トークンを使い切りました。UTCの午前0時を過ぎると、またお答えできます（あと約{hours|other:#時間}）。',
  'budget.spentSoon':
    '本日の上限の{budget}トークンを使い切りました。UTCの午前0時を過ぎると、またお答えできます（あと{minutes|other:#分}）。',

  'notice.withoutMemory':
    '現在メモリーに接続できないため、これまでの会話を踏まえずにお答えしました。',
  'images.unseen': '私が使っている言語モデルは画像を見られないため、テキストにだけお答えしました。',
  'images.unseenOnly':
    '私が使っている言語モデルは画像を見られません。画像の内容を言葉で説明していただければお手伝いします。',
  'access.notAllowed':
    'すみません、ここではご利用いただけません。このボットの管理者にアクセスを依頼してください。',
  'media.textOnly': '私が読めるのはテキスト、画像、ボイスメッセージ、テキストファイルだけです。',
  'command.unknown': '/{name} というコマンドはありません。',
  'command.unknownWithHelp':
    '/{name} というコマンドはありません。できることは /help で確認できます。',

  'attach.unsupported':
    '{names} を読めませんでした。私が読めるのはテキスト、画像、ボイスメッセージ、テキストファイルです。',
  'attach.firstImagesOnly': '最初の{max|other:#枚}の画像だけを見ました。',
  'attach.imageTooLarge': '{name} は大きすぎます。見られる画像は{megabytes} MBまでです。',
  'attach.notAnImage':
    '{name} はJPEG、PNG、WebP、GIFのいずれの画像でもないため、見ることができませんでした。',
  'attach.fileTooLong':
    '{names} は長すぎます。1つのメッセージで読めるファイルは合計{max}文字までです。',
  'attach.notText':
    '{name} を読めませんでした。UTF-8のテキストではありません。私が読めるのはテキストファイル、画像、ボイスメッセージです。',
  'attach.voiceOff': 'ここではボイスメッセージを聞けません。文字で送ってください。',
  'attach.audioTooLong':
    'ボイスメッセージの長さは{duration}ですが、私が聞けるのは{max}までです。もっと短いものを送ってください。',
  'attach.audioTooLarge':
    'ボイスメッセージが大きすぎて聞けません。もっと短いものを送ってください。',
  'attach.firstAudioOnly': '最初のボイスメッセージだけを聞きました。',
  'attach.transcriptionFailed':
    'すみません、ボイスメッセージを文字に起こせませんでした。少ししてからもう一度試すか、文字で送ってください。',
  'attach.noWords': 'ボイスメッセージから言葉を聞き取れませんでした。',
  'attach.fetchFailed': 'すみません、{name} を取得できませんでした。もう一度送ってください。',

  'memory.nothing': 'この会話についてはまだ何も覚えていません。',
  'memory.summary': '覚えていること：{summary}',
  'memory.recent':
    '直近の{count|other:#件}のメッセージ（{tokens|other:#トークン}）をそのまま保存しています。',
  'memory.factsHeading': 'ここで知っているあなたのこと：',
  'memory.moreFacts': '（ほかに古い事実が{count|other:#件}あります。表示していません）',
  'memory.learningOn': 'あなたについての事実の学習：オン（/remember off で停止）',
  'memory.learningOff': 'あなたについての事実の学習：オフ（/remember on で再開）',
  'forget.here': '完了しました。ここでの会話を忘れました。',
  'forget.everywhere': '完了しました。すべての会話を忘れました。',
  'forget.everywhereCount': '完了しました。すべての会話（{count}件）を忘れました。',
  'facts.deleted': '削除しました。もうそのことは覚えていません。',
  'facts.alreadyGone': 'その事実はすでに削除されています。',
  'facts.off': 'このボットは人についての事実を保存しません。',
  'buttons.notYours': 'これらのボタンは /memory を使った人のものです。',
  'buttons.stale': 'このボタンはもう使えません。もう一度 /memory を送ってください。',
  'remember.usage':
    '覚えてほしいことを教えてください。例：「/remember 私はベジタリアンです」。「/remember off」で事実の学習を止め、「/remember on」で再開します。',
  'remember.learningOff':
    '完了しました。あなたについての新しい事実は学習しません。すでに知っていることは、削除する（/memory）か /remember on と送るまで残ります。',
  'remember.learningOn': '完了しました。会話を通じて、またあなたについての事実を学習します。',
  'remember.added':
    '覚えました：「{fact}」。あなたについて知っていることは /memory で確認できます。',
  'remember.known': 'それはもう知っています。',
  'remember.tooLong': '事実として保存するには長すぎます。{limit}文字までにしてください。',
  'persona.none':
    'このチャットにはキャラクター設定がありません。/persona に続けて内容を書くと設定できます。例：「/persona あなたはダジャレ好きの陽気な海賊です。」',
  'persona.current':
    'このチャットのキャラクター設定：\n\n{persona}\n\n/persona reset で削除できます。',
  'persona.set':
    '完了しました。これがこのチャットのキャラクター設定になりました。/persona で確認、/persona reset で削除できます。',
  'persona.reset': '完了しました。このチャットのキャラクター設定を削除しました。',
  'persona.tooLong':
    'キャラクター設定が{length}文字あります。設定できるのは{limit}文字までです。短くしてください。',
  'persona.adminsOnly':
    'すみません、このグループのキャラクター設定を変更できるのは管理者だけです。',
  'persona.managersOnly':
    'すみません、このサーバーのチャンネルのキャラクター設定を変更できるのは、サーバーを管理できる人だけです。',
  'model.current':
    'ここでは {model} でお答えしています。選べるモデル：{models}（/model に続けて名前を送ってください）。',
  'model.only': '{model} でお答えしています。提供しているモデルはこれだけです。',
  'model.chosen': '完了しました。このチャットでは {model} でお答えします。',
  'model.unknown':
    'そのモデルは提供していません。選べるモデル：{models}（/model に続けて名前を送ってください）。',
  'usage.tokens':
    '今日使ったトークン：{today}。今月：{month}。回答、会話の要約、私が覚える事実のすべてが含まれます。',
  'usage.budget':
    '1日の上限は{budget}トークンで、今日の残りは{left}です。UTCの午前0時にリセットされます。',

  'greeting.hello': 'こんにちは、{name}さん！私は会話を覚えているチャットボットです。',
  'greeting.helloAnonymous': 'こんにちは！私は会話を覚えているチャットボットです。',
  'greeting.keptForever':
    '会話の短い要約と最近のメッセージを、チャットごと・人ごとに分けて、忘れるよう言われるまで保存します。',
  'greeting.keptDays':
    '会話の短い要約と最近のメッセージを、チャットごと・人ごとに分けて、最後のメッセージから{days|other:#日間}保存します。',
  'greeting.keptMinutes':
    '会話の短い要約と最近のメッセージを、チャットごと・人ごとに分けて、最後のメッセージから{minutes|other:#分間}保存します。',
  'greeting.commands':
    '/memory で覚えていることを確認でき、/forget で消去できます（/forget all ですべてのチャット）。',
  'help.howToTalk':
    '個人チャットではそのまま書いてください。グループでは {username} をメンションするか、私のメッセージに返信してください。',
  'help.memory': '/memory：このチャットで覚えているあなたのこと',
  'help.forget': '/forget：このチャットを忘れる',
  'help.forgetAll': '/forget all：あなたとのすべてのチャットを忘れる',
  'help.remember':
    '/remember <テキスト>：あなたについての事実を保存（/memory で一覧と削除ボタンを表示）',
  'help.rememberSwitch': '/remember off、/remember on：あなたについての事実の学習を停止・再開',
  'help.persona':
    '/persona <テキスト>：このチャットのキャラクター設定（/persona で表示、/persona reset で削除。グループでは管理者のみ）',
  'help.model': '/model：提供しているモデルの一覧。/model <名前> でこのチャットでのモデルを選択',
  'help.usage': '/usage：今日と今月のトークン使用量',

  'command.start': 'あいさつと、覚えていることの確認',
  'command.help': '私との話し方',
  'command.memory': 'このチャットで覚えているあなたのこと',
  'command.remember': 'あなたについての事実を保存（「/remember off」で学習を停止）',
  'command.forget': 'このチャットを忘れる（「/forget all」ですべてのチャット）',
  'command.persona': 'このチャットのキャラクター設定の表示・変更（グループでは管理者）',
  'command.model': 'ここで使うモデルの表示・選択',
  'command.usage': '今日と今月のトークン使用量',

  'discord.forget': 'ボットが覚えているあなたのことを忘れさせる',
  'discord.forget.scope': '忘れる範囲（既定：このチャンネル）',
  'discord.forget.here': 'このチャンネル',
  'discord.forget.everywhere': 'すべての場所',
  'discord.memory': 'このチャンネルでボットが覚えているあなたのことを表示',
  'discord.remember': 'あなたについての事実を覚えさせる、または学習を停止・再開する',
  'discord.remember.fact': '覚えてほしいこと（例：「私はベジタリアンです」）',
  'discord.remember.learning': '会話からあなたについての事実を学習する（既定：オン）',
  'discord.remember.on': 'オン',
  'discord.remember.off': 'オフ',
  'discord.persona': 'このチャンネルのキャラクター設定を表示・設定・削除',
  'discord.persona.text': 'キャラクター設定（例：「あなたはダジャレ好きの陽気な海賊です」）',
  'discord.persona.reset': 'このチャンネルのキャラクター設定を削除',
  'discord.model': 'このチャンネルでボットが使うモデルを表示・選択',
  'discord.model.name': '選ぶモデル（/model だけで一覧を表示）',
  'discord.usage': '今日と今月のトークン使用量',
};
