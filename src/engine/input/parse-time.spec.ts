import { parseTime } from './parse-time';

describe('parseTime', () => {
  it.each([
    ['14:30', '14:30'],
    ['9:05', '09:05'],
    ['14.30', '14:30'],
    ['14h30', '14:30'],
    ['21h', '21:00'],
    ['9am', '09:00'],
    ['9:30 pm', '21:30'],
    ['12 a.m.', '00:00'],
    ['12pm', '12:00'],
    ['08:15:59', '08:15'],
  ])('should read %s as %s', (input, expected) => {
    expect(parseTime(input)).toBe(expected);
  });

  it.each(['25:00', '12:60', '13pm', '9', 'noon', ''])('should refuse %s', (input) => {
    expect(parseTime(input)).toBeUndefined();
  });
});
