import { describe, expect, it } from 'vitest';
import { KeyedQueue, QueueFullError } from '../../src/core/keyed-queue.js';
import { gate } from '../support/scripted-chat-model.js';

describe('KeyedQueue', () => {
  it('runs the tasks of one key one after another, in order', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const task = (name: string, ms: number) => () =>
      new Promise<string>((resolve) => {
        log.push(`start ${name}`);
        setTimeout(() => {
          log.push(`end ${name}`);
          resolve(name);
        }, ms);
      });
    const results = await Promise.all([
      queue.run('a', task('1', 30)),
      queue.run('a', task('2', 1)),
      queue.run('a', task('3', 10)),
    ]);
    expect(results).toEqual(['1', '2', '3']);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('runs different keys concurrently', async () => {
    const queue = new KeyedQueue();
    const hold = gate();
    const blocked = queue.run('a', () => hold.promise);
    // b finishes while a is still held: they do not wait for each other.
    await expect(queue.run('b', async () => 'b done')).resolves.toBe('b done');
    hold.open();
    await blocked;
  });

  it('goes on after a failed task', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('a', async () => {
      throw new Error('boom');
    });
    const next = queue.run('a', async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });

  it('frees every key once idle: no growth after many distinct keys', async () => {
    const queue = new KeyedQueue();
    await Promise.all(
      Array.from({ length: 20_000 }, (_, i) => queue.run(`key${i}`, async () => i)),
    );
    expect(queue.size).toBe(0);
  });

  it('refuses a task beyond the per-key bound', async () => {
    const queue = new KeyedQueue(2);
    const hold = gate();
    const first = queue.run('a', () => hold.promise);
    const second = queue.run('a', async () => undefined);
    await expect(queue.run('a', async () => undefined)).rejects.toBeInstanceOf(QueueFullError);
    expect(queue.pending('a')).toBe(2);
    await expect(queue.run('b', async () => 'other keys unaffected')).resolves.toBeTruthy();
    hold.open();
    await Promise.all([first, second]);
    expect(queue.size).toBe(0);
  });
});
