import { getHeapSpaceStatistics } from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryReducer, reducingCollector } from '../src/memory-reducer.js';

const MiB = 2 ** 20;

/** A reducer on a fake clock and heap: `collected` counts its collections. */
function fakeReducer(heap = { bytes: 100 * MiB }) {
  let now = 0;
  let collected = 0;
  const reducer = new MemoryReducer({
    idleMs: 1000,
    minGrowthBytes: 16 * MiB,
    now: () => now,
    heapBytes: () => heap.bytes,
    collect: () => {
      collected++;
      heap.bytes = 60 * MiB;
    },
  });
  return {
    reducer,
    heap,
    advance: (ms: number) => (now += ms),
    collected: () => collected,
  };
}

describe('MemoryReducer', () => {
  afterEach(() => vi.useRealTimers());

  it('collects once after a burst, when no turn has ended for idleMs and the heap grew', () => {
    const f = fakeReducer();
    f.reducer.reduce(); // after start-up
    expect(f.collected()).toBe(1);
    for (let i = 0; i < 50; i++) {
      f.reducer.activity();
      f.heap.bytes += 2 * MiB;
      f.advance(100);
      expect(f.reducer.due()).toBe(false); // turns keep ending: never during a burst
    }
    f.advance(900);
    expect(f.reducer.due()).toBe(true);
    f.reducer.reduce();
    expect(f.reducer.due()).toBe(false); // once per quiet period
    f.advance(60_000);
    expect(f.reducer.due()).toBe(false);
  });

  it('leaves a bot answering now and then alone while its heap has not grown by minGrowthBytes', () => {
    const f = fakeReducer();
    f.reducer.reduce();
    for (let i = 0; i < 10; i++) {
      f.reducer.activity();
      f.heap.bytes += MiB;
      f.advance(5000);
      expect(f.reducer.due()).toBe(false);
    }
    f.heap.bytes += 10 * MiB;
    expect(f.reducer.due()).toBe(true);
  });

  it('checks on a timer that neither keeps the process alive nor outlives stop()', () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    let heap = 0;
    const reducer = new MemoryReducer({
      idleMs: 1000,
      minGrowthBytes: 1,
      collect,
      heapBytes: () => heap,
      now: () => Date.now(),
    });
    reducer.start();
    reducer.activity();
    heap = 10;
    vi.advanceTimersByTime(1600);
    expect(collect).toHaveBeenCalledTimes(1);
    reducer.activity();
    heap = 20;
    reducer.stop();
    vi.advanceTimersByTime(5000);
    expect(collect).toHaveBeenCalledTimes(1);
  });

  it("V8's memory-reducing collection shrinks a grown young generation", () => {
    const youngGeneration = () =>
      getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;
    // Short-lived garbage that survives a scavenge or two grows the young generation.
    let kept = 0;
    for (let round = 0; round < 40; round++) {
      kept += Array.from({ length: 20_000 }, (_, i) => ({ i, s: `x${i}`.repeat(4) })).length;
    }
    expect(kept).toBe(800_000);
    const grown = youngGeneration();
    reducingCollector()();
    expect(youngGeneration()).toBeLessThan(grown);
  });
});
