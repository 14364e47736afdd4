import { describe, expect, it } from 'vitest';
import { engagedTime } from '../../sdk/src/engagement';

describe('engaged time', () => {
  it('counts visible time while input keeps coming', () => {
    const e = engagedTime(30_000);
    e.active(0);
    e.active(10_000);
    e.active(20_000);
    expect(e.at(25_000)).toBe(25_000);
  });

  it('stops counting 30 s after the last input and resumes with the next', () => {
    const e = engagedTime(30_000);
    e.active(0);
    expect(e.at(100_000)).toBe(30_000); // idle after 30 s
    e.active(100_000);
    expect(e.at(110_000)).toBe(40_000);
  });

  it('excludes time the page was hidden', () => {
    const e = engagedTime(30_000);
    e.active(0);
    e.hidden(5_000);
    expect(e.at(60_000)).toBe(5_000);
    e.active(60_000); // visible again
    expect(e.at(62_000)).toBe(7_000);
  });

  it('does not count a hidden period even when input came just before it', () => {
    const e = engagedTime(30_000);
    e.active(0);
    e.active(4_000);
    e.hidden(4_500);
    e.hidden(20_000);
    expect(e.at(40_000)).toBe(4_500);
  });
});
