import { setTimeout as sleep } from 'node:timers/promises';
import { Slots } from './slots';

describe('Slots', () => {
  it('runs at most `size` tasks at once and starts the waiting ones in order as slots free up', async () => {
    const slots = new Slots(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const done = Array.from(
      { length: 6 },
      (_, i) =>
        new Promise<number>((resolve) =>
          slots.acquire(() =>
            resolve(
              slots.release(
                (async () => {
                  started.push(i);
                  peak = Math.max(peak, ++running);
                  await sleep(5);
                  running--;
                  return i;
                })(),
              ),
            ),
          ),
        ),
    );
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('frees the slot when a task fails', async () => {
    const slots = new Slots(1);
    const failing = new Promise((resolve) =>
      slots.acquire(() => resolve(slots.release(Promise.reject(new Error('boom'))).catch((e) => e.message))),
    );
    const next = new Promise((resolve) => slots.acquire(() => resolve(slots.release(Promise.resolve('ran')))));
    expect(await Promise.all([failing, next])).toEqual(['boom', 'ran']);
  });
});
