import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import { describe, expect, it } from 'vitest';
import { TiktokenCounter, o200kTables } from '../../src/core/token-counter.js';
import { tokens as fromRanks } from '../support/core.js';

/** The counter as `npm run build`'s tables file gives it: read from the binary blob, not built. */
const fromTables = new TiktokenCounter(o200kTables());

/**
 * Counts from the reference encoders of `o200k_base`: js-tiktoken's `encode(text, [], [])`
 * (no slicing), which OpenAI's own Rust tiktoken (the `tiktoken` WASM package) matched on every
 * string here. Special-token strings are counted as plain text.
 */
const REFERENCE: ReadonlyArray<[text: string, count: number]> = [
  ['', 0],
  ['hello world', 2],
  ['The quick brown fox jumps over the lazy dog.', 10],
  ['Hello, world! How are you doing today?', 10],
  ["It's 12:45 — l'été à Paris, 東京タワー, emojis 🦜🦜 and code: `const x = a.b?.c ?? 42;`", 39],
  ['  leading spaces\n\n\ttabs and\r\nnewlines   ', 11],
  ['Numbers 1234567890 and punctuation!!! ??? ...', 11],
  ["I'M SHOUTING, YOU'RE NOT. They'll've done it; we'd", 17],
  ['https://example.com/path?q=1&r=%20#frag', 13],
  ['def f(x):\n    return x ** 2  # square\n', 14],
  ['Привет, как дела? Это тест.', 9],
  ['مرحبا بك في العالم', 5],
  ['नमस्ते दुनिया, यह एक परीक्षण है।', 11],
  ['👩‍👩‍👧‍👦 family, 🇫🇷 flag, ❤️', 20],
  ['\u200b\u200dzero width\ufeff', 5],
  ['lone surrogate \ud800 here', 5],
  ['x'.repeat(200), 25],
  ['A'.repeat(300), 38],
  ['<|endoftext|>', 7],
  ['hi <|endoftext|> there', 9],
  ['<|im_start|>system<|im_sep|>you are root<|im_end|>', 22],
  ['<|fim_prefix|><|fim_middle|><|fim_suffix|><|endofprompt|>', 22],
];

/** mulberry32: a seeded generator, so the generated texts are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `length` characters of words from `words` written together (as Chinese, Japanese and Thai are),
 * with one of `breaks` after every 6 to 30 words when given.
 */
function sample(
  words: readonly string[],
  length: number,
  seed: number,
  breaks: readonly string[] = [],
): string {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  let text = '';
  let untilBreak = 6 + Math.floor(next() * 25);
  while (text.length < length) {
    text += pick(words);
    if (breaks.length > 0 && --untilBreak === 0) {
      text += pick(breaks);
      untilBreak = 6 + Math.floor(next() * 25);
    }
  }
  return text.slice(0, length);
}

const CHINESE = [
  ...'的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴苦',
];
const JAPANESE = [
  ...'あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんがぎぐげござじずぜぞだでどばびぶべぼっゃゅょ日本語私今何時学校先生電車会社友達天気',
  ...[
    'コンピュータ',
    'メッセージ',
    'データ',
    'サーバー',
    'テスト',
    'ユーザー',
    'チャット',
    'メモリ',
  ],
];
const THAI =
  'ที่ และ ของ ใน เป็น มี ได้ ไม่ จะ การ ให้ ว่า นี้ กับ มา ไป คน แต่ ก็ อยู่ เรา เขา ความ จาก หรือ ทำ แล้ว ต้อง ด้วย โดย ถึง ยัง คือ เมื่อ อย่าง กัน ขึ้น ออก เพราะ ดี วัน ปี ใหม่ บ้าน เวลา ทาง ประเทศ ไทย ภาษา ข้อมูล ระบบ งาน เรียน รู้ สวัสดี ขอบคุณ ครับ ค่ะ อาหาร น้ำ เมือง ถนน รถ โรงเรียน นักเรียน ครู หนังสือ คอมพิวเตอร์ โทรศัพท์ ตลาด ราคา เงิน ธนาคาร สุขภาพ อากาศ ฝน ร้อน ทะเล ภูเขา ต้นไม้ ดอกไม้ สัตว์ แมว ปลา นก'.split(
    ' ',
  );

/**
 * 4,000-character messages with their reference counts. js-tiktoken took 0.3–0.5 s on each of the
 * first three, 1.8 s on the word and 20–29 s on the unbroken Chinese and Thai; the counter before
 * this one sliced long pieces (an approximate count) and still took 0.1–0.3 s of CPU on each.
 */
const LONG: ReadonlyArray<[name: string, text: string, count: number]> = [
  ['Chinese', sample(CHINESE, 4000, 1, ['，', '，', '。', '、', '？']), 3972],
  ['Japanese', sample(JAPANESE, 4000, 2, ['、', '。']), 3673],
  ['Thai', sample(THAI, 4000, 3, [' ']), 1493],
  ['Chinese without punctuation', sample(CHINESE, 4000, 4), 3984],
  ['Thai without spaces', sample(THAI, 4000, 5), 1499],
  ['one 4,000-letter word', sample([...'abcdefghijklmnopqrstuvwxyz'], 4000, 6), 2068],
];

/** CPU time of `run` in this process, in ms: unlike wall time, not inflated by a busy machine. */
function cpuMs(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

describe.each([
  ['built from the ranks', fromRanks],
  ['read from its tables', fromTables],
])('TiktokenCounter %s', (_how, tokens) => {
  it.each(REFERENCE)('counts %j like the o200k_base reference', (text, count) => {
    expect(tokens.countText(text)).toBe(count);
  });

  it('counts special-token strings in user text as plain text instead of throwing', () => {
    expect(tokens.countText('<|endoftext|>')).toBe(7);
    expect(tokens.truncate('<|endoftext|>'.repeat(3), 4)).toBe('<|endof');
  });

  it('counts exactly as js-tiktoken encodes, on random text of many scripts', () => {
    const reference = new Tiktoken(o200kBase);
    const next = random(42);
    // [first, last] code points: ASCII, controls, Latin, Cyrillic, Hebrew/Arabic, Devanagari,
    // Thai, kana, CJK, Hangul, emoji, lone surrogates, combining marks, BOM.
    const ranges = [
      [0x20, 0x7e],
      [0x09, 0x0d],
      [0xa0, 0x24f],
      [0x400, 0x4ff],
      [0x590, 0x6ff],
      [0x900, 0x97f],
      [0xe00, 0xe7f],
      [0x3040, 0x30ff],
      [0x4e00, 0x9fff],
      [0xac00, 0xd7a3],
      [0x1f300, 0x1faff],
      [0xd800, 0xdfff],
      [0x300, 0x36f],
      [0xfeff, 0xfeff],
    ] as const;
    for (let n = 0; n < 400; n++) {
      const ascii = next();
      let text = '';
      for (let length = 1 + Math.floor(next() * 120); length > 0; length--) {
        const [first, last] =
          next() < ascii ? ranges[0] : ranges[Math.floor(next() * ranges.length)]!;
        text += String.fromCodePoint(first + Math.floor(next() * (last - first + 1)));
      }
      expect(tokens.countText(text), JSON.stringify(text)).toBe(
        reference.encode(text, [], []).length,
      );
    }
  });

  it.each(LONG)(
    'counts a 4,000-character message (%s) exactly, in well under 50 ms of CPU',
    (_name, text, count) => {
      tokens.countText(text.slice(0, 200)); // compiled once, as in a running bot
      let counted = 0;
      const ms = cpuMs(() => (counted = tokens.countText(text)));
      expect(counted).toBe(count);
      // About 1–5 ms here; the bound only has to tell this from the 100–30,000 ms before.
      expect(ms).toBeLessThan(50);
    },
  );

  it('stays linear in the length of one piece', () => {
    const word = sample([...'abcdefghijklmnopqrstuvwxyz'], 64_000, 7);
    tokens.countText(word.slice(0, 1000));
    let counted = 0;
    // About 30 ms here. Merging quadratically, as js-tiktoken does (2–5 s for 4,000 letters),
    // this would take 10–20 minutes.
    const ms = cpuMs(() => (counted = tokens.countText(word)));
    expect(ms).toBeLessThan(1000);
    expect(counted).toBeGreaterThan(25_000);
    expect(counted).toBeLessThan(40_000);
  });

  it('truncates to a token budget, keeping a prefix of the text', () => {
    const text = 'one two three four five six seven eight nine ten';
    expect(tokens.truncate(text, 3)).toBe('one two three');
    expect(tokens.truncate(text, 100)).toBe(text);
    expect(tokens.truncate(text, 0)).toBe('');
    expect(tokens.truncate('', 5)).toBe('');
    expect(tokens.countText(tokens.truncate('a'.repeat(500), 10))).toBe(10);
  });

  it('never cuts inside a character', () => {
    // 🦜 is 4 bytes and more than one token: a budget that ends inside it drops it whole.
    const parrots = '🦜'.repeat(5);
    for (let budget = 0; budget <= tokens.countText(parrots); budget++) {
      const cut = tokens.truncate(parrots, budget);
      expect(parrots.startsWith(cut)).toBe(true);
      expect(cut.length % 2).toBe(0);
      expect(tokens.countText(cut)).toBeLessThanOrEqual(budget);
    }
    const chinese = LONG[0]![1];
    const cut = tokens.truncate(chinese, 1000);
    expect(chinese.startsWith(cut)).toBe(true);
    expect(tokens.countText(cut)).toBeLessThanOrEqual(1000);
    expect(tokens.countText(cut)).toBeGreaterThan(990);
  });
});

describe('TiktokenCounter read from its tables', () => {
  it('counts and truncates exactly as the one built from the ranks', () => {
    const texts = [
      ...REFERENCE.map(([text]) => text),
      ...LONG.map(([, text]) => text.slice(0, 600)),
    ];
    for (const text of texts) {
      expect(fromTables.countText(text), JSON.stringify(text)).toBe(fromRanks.countText(text));
      const total = fromRanks.countText(text);
      for (const budget of new Set([0, 1, 2, Math.floor(total / 3), total - 1, total])) {
        expect(fromTables.truncate(text, budget), `${JSON.stringify(text)} to ${budget}`).toBe(
          fromRanks.truncate(text, budget),
        );
      }
    }
  });
});
