/**
 * Seeded conversations for the memory eval: one person (Ann) talks to the bot in a group for N
 * turns of small talk, with facts planted early, one of them updated later, and a decoy: a fact
 * Bob (someone else in the same group) tells the bot about himself. The same seed gives the same
 * conversation, so runs compare.
 */

/** A fact planted in the conversation, and what its question's answer must contain. */
export interface PlantedFact {
  readonly key: string;
  /** How the person says it. */
  readonly said: string;
  /** What the prompt (or the answer) must contain for it. */
  readonly value: string;
  /** The question that asks for it at the end. */
  readonly question: string;
}

export interface GeneratedTurn {
  readonly speaker: 'ann' | 'bob';
  readonly text: string;
}

export interface GeneratedConversation {
  readonly turns: readonly GeneratedTurn[];
  /** Facts of Ann as they stand at the end (the update applied). */
  readonly facts: readonly PlantedFact[];
  /** The value the update replaced: it must be gone from the prompt. */
  readonly replaced: string;
  /** Bob's fact: it must never reach Ann's prompt. */
  readonly decoy: string;
}

/** mulberry32: a small, fast, seeded PRNG (public domain). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const CITIES = ['Paris', 'Lisbon', 'Oslo', 'Quito', 'Hanoi', 'Accra', 'Perth', 'Tallinn'];
const ALLERGIES = ['peanuts', 'shellfish', 'sesame', 'kiwi', 'penicillin'];
const PET_NAMES = ['Miso', 'Pixel', 'Biscuit', 'Nimbus', 'Juniper', 'Pesto'];
const JOBS = ['a nurse', 'a carpenter', 'a data analyst', 'a violin teacher', 'a pilot'];
const MONTHS = ['March', 'April', 'May', 'June', 'September', 'October'];
const DECOY_PETS = ['Rex', 'Bruno', 'Ziggy', 'Otto'];

const TOPICS = [
  'the weather this week',
  'a documentary about octopuses',
  'how to keep basil alive on a windowsill',
  'the best way to learn chess openings',
  'why bread goes stale',
  'a good stretching routine after running',
  'which board games work for four players',
  'how tides work',
  'tips for writing a short story',
  'the history of the bicycle',
  'how to make cold brew coffee',
  'what makes a good podcast',
];
const OPENERS = [
  'Can you tell me something about',
  'I was wondering about',
  'Any thoughts on',
  'Explain briefly',
  'What do you know about',
];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

/**
 * A conversation of `turns` turns of Ann (plus Bob's decoy, not counted): facts planted in the
 * first tenth, one moved city at about 60%, small talk elsewhere.
 */
export function generateConversation(turns: number, seed: number): GeneratedConversation {
  const random = seededRandom(seed);
  const cities = [...CITIES].sort(() => random() - 0.5);
  const [from, to] = [cities[0]!, cities[1]!];
  const allergy = pick(random, ALLERGIES);
  const pet = pick(random, PET_NAMES);
  const job = pick(random, JOBS);
  const month = pick(random, MONTHS);
  const facts: PlantedFact[] = [
    {
      key: 'allergy',
      said: `By the way, I am allergic to ${allergy}, so keep that in mind for recipes.`,
      value: allergy,
      question: 'What am I allergic to?',
    },
    {
      key: 'pet',
      said: `My cat is called ${pet} and she sleeps on my keyboard.`,
      value: pet,
      question: 'What is the name of my cat?',
    },
    {
      key: 'job',
      said: `I work as ${job}, mostly night shifts.`,
      value: job.replace(/^an? /, ''),
      question: 'What do I do for a living?',
    },
    {
      key: 'deadline',
      said: `My thesis deadline is the 14th of ${month}.`,
      value: `14th of ${month}`,
      question: 'When is my thesis deadline?',
    },
  ];
  const city: PlantedFact = {
    key: 'city',
    said: `I live in ${from}.`,
    value: to,
    question: 'Which city do I live in?',
  };
  const moved = `Big news: I moved from ${from} to ${to} last week, I live in ${to} now.`;
  const decoyPet = pick(random, DECOY_PETS);

  if (turns < 8) throw new RangeError('a conversation needs at least 8 turns');
  // The five facts in the first tenth of the conversation (one a turn when it is short).
  const step = Math.max(1, Math.floor(turns / 50));
  const plantAt = new Map<number, string>();
  [...facts, city].forEach((fact, i) => plantAt.set(i * step, fact.said));
  const moveAt = Math.max(plantAt.size, Math.floor(turns * 0.6));
  const out: GeneratedTurn[] = [];
  for (let i = 0; i < turns; i++) {
    if (i === Math.floor(turns / 2)) {
      out.push({ speaker: 'bob', text: `I have a dog named ${decoyPet} and I live in Reykjavik.` });
    }
    const planted = plantAt.get(i);
    const text =
      planted ?? (i === moveAt ? moved : `${pick(random, OPENERS)} ${pick(random, TOPICS)}?`);
    out.push({ speaker: 'ann', text });
  }
  return {
    turns: out,
    facts: [...facts, city],
    replaced: from,
    decoy: decoyPet,
  };
}
