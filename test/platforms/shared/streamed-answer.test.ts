import { describe, expect, it } from 'vitest';
import { EditThrottle, StreamedAnswer } from '../../../src/platforms/shared/streamed-answer.js';

describe('StreamedAnswer', () => {
  it('never shows half a surrogate pair when a delta ends between its halves', async () => {
    const shown: string[] = [];
    const answer = new StreamedAnswer<number, string>(
      {
        post: (text) => {
          shown.push(text);
          return Promise.resolve(1);
        },
        edit: (_, text) => {
          shown.push(text);
          return Promise.resolve();
        },
        finish: (text) => {
          shown.push(text);
          return Promise.resolve();
        },
      },
      new EditThrottle<string>(0),
      'chat',
      (text) => text,
    );
    answer.push('smile \uD83D');
    await new Promise((resolve) => setTimeout(resolve, 10));
    answer.push('\uDE00 done');
    await new Promise((resolve) => setTimeout(resolve, 10));
    await answer.finish('smile 😀 done');
    expect(shown).toEqual(['smile  …', 'smile 😀 done …', 'smile 😀 done']);
    for (const text of shown) expect(text.isWellFormed()).toBe(true);
  });
});
