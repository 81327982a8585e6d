import { describe, expect, it } from 'vitest';
import { Admission } from '../../../src/platforms/shared/admission.js';
import { NoticeGate } from '../../../src/platforms/shared/notice-gate.js';

describe('NoticeGate', () => {
  it('says a notice once per person and kind per window', () => {
    const gate = new NoticeGate(1000);
    expect(gate.allow('telegram:1', 'rate', 0)).toBe(true);
    expect(gate.allow('telegram:1', 'rate', 500)).toBe(false);
    expect(gate.allow('telegram:1', 'busy', 500)).toBe(true);
    expect(gate.allow('telegram:2', 'rate', 500)).toBe(true);
    expect(gate.allow('telegram:1', 'rate', 1000)).toBe(true);
  });

  it('stays bounded under notices for many distinct people', () => {
    const gate = new NoticeGate(60_000);
    for (let i = 0; i < 50_000; i++) gate.allow(`discord:${i}`, 'access', i);
    const size = (gate as unknown as { until: Map<string, number> }).until.size;
    expect(size).toBeLessThanOrEqual(10_000);
  });

  it('keeps a notice given its own window (a spent budget’s, until midnight) for that long', () => {
    const gate = new NoticeGate(1000);
    expect(gate.allow('telegram:1', 'budget', 0, 5000)).toBe(true);
    expect(gate.allow('telegram:1', 'budget', 4999)).toBe(false);
    expect(gate.allow('telegram:1', 'rate', 4999)).toBe(true);
    expect(gate.allow('telegram:1', 'budget', 5000)).toBe(true);
  });
});

describe('Admission', () => {
  it('lets `limit` messages of a person in at once and drops the rest until one leaves', async () => {
    const admission = new Admission(2);
    const releases: Array<() => void> = [];
    const task = () => new Promise<void>((resolve) => releases.push(resolve));
    const first = admission.run('ann', task);
    const second = admission.run('ann', task);
    await expect(admission.run('ann', task)).resolves.toBe(false);
    await expect(admission.run('bob', async () => undefined)).resolves.toBe(true);
    releases.shift()!();
    await expect(first).resolves.toBe(true);
    const third = admission.run('ann', task);
    releases.splice(0).forEach((release) => release());
    await new Promise((r) => setImmediate(r));
    releases.splice(0).forEach((release) => release());
    await expect(Promise.all([second, third])).resolves.toEqual([true, true]);
    expect(admission.size).toBe(0);
  });
});
