import { describe, expect, it } from 'vitest';
import { isStoreUnreachable } from '../../src/memory/write-errors.js';

describe('a wrong or rotated Redis password', () => {
  it('keeps the buffered turns until an operator fixes it, instead of dropping them', () => {
    for (const reply of [
      'WRONGPASS invalid username-password pair or user is disabled.',
      'NOAUTH Authentication required.',
      "NOPERM this user has no permissions to run the 'evalsha' command",
    ]) {
      const error = Object.assign(new Error(reply), { name: 'ReplyError' });
      expect(isStoreUnreachable(error), reply).toBe(true);
    }
  });
});
