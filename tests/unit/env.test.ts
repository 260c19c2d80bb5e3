import { afterEach, describe, expect, it } from 'vitest';
import { intFromEnv } from '../../lib/config/env';

const NAME = 'LEDGERLINE_TEST_SETTING';
afterEach(() => {
  delete process.env[NAME];
});

describe('intFromEnv', () => {
  it('given nothing or blanks, then the default', () => {
    expect(intFromEnv(NAME, 20)).toBe(20);
    process.env[NAME] = '  ';
    expect(intFromEnv(NAME, 20)).toBe(20);
  });

  it('given a whole number in range, then that number', () => {
    process.env[NAME] = ' 0 ';
    expect(intFromEnv(NAME, 20)).toBe(0);
    process.env[NAME] = '65535';
    expect(intFromEnv(NAME, 1, { min: 1, max: 65_535 })).toBe(65_535);
  });

  it.each(['ten', '1.5', '1e3', '0x10', '-1', '12abc'])('given "%s", then an error that names the variable', (raw) => {
    process.env[NAME] = raw;
    expect(() => intFromEnv(NAME, 20, { min: 0 })).toThrow(`${NAME} must be a whole number from 0 to`);
  });

  it('given a number outside the range, then an error with the range', () => {
    process.env[NAME] = '0';
    expect(() => intFromEnv(NAME, 10, { min: 1, max: 100 })).toThrow(
      `${NAME} must be a whole number from 1 to 100 (it is "0").`,
    );
  });
});
