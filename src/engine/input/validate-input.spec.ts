import type { GenericMessage } from '../generic-message';
import type { CompiledInput, ChoiceOption } from './compiled-input';
import { validateInput } from './validate-input';

const t = (text: string): GenericMessage => ({ type: 'text', text });
const image: GenericMessage = {
  type: 'image',
  media_url: 'https://cdn.example/p.jpg',
  media_caption: 'receipt',
};
const location: GenericMessage = { type: 'location', latitude: -6.8, longitude: 39.28 };
const choices: ChoiceOption[] = [
  { id: 'small', title: 'Small cup' },
  { id: 'large', title: 'Grande café' },
];

function check(input: Partial<CompiledInput>, message: GenericMessage) {
  return validateInput({ type: 'text', ...input }, message, choices);
}

describe('validateInput', () => {
  it.each([
    [{ type: 'text' }, t('  hello '), 'hello'],
    [{ type: 'text', pattern: /^[0-9]{6}$/ }, t('123456'), '123456'],
    [{ type: 'text', min_length: 2 }, t('Zoë'), 'Zoë'],
    [{ type: 'number' }, t('12.5'), 12.5],
    [{ type: 'number', min: 1, max: 100 }, t('100'), 100],
    [{ type: 'integer' }, t('7'), 7],
    [{ type: 'email' }, t(' zoe@example.co.tz '), 'zoe@example.co.tz'],
    [{ type: 'phone', defaultCountry: 'TZ' }, t('0712 345 678'), '+255712345678'],
    [{ type: 'date' }, t('22/11/2026'), '2026-11-22'],
    [{ type: 'date', min: '2026-01-01' }, t('2026-06-01'), '2026-06-01'],
    [{ type: 'time' }, t('2:30pm'), '14:30'],
    [{ type: 'choice' }, { type: 'button', text: 'Small cup', button_id: 'small' }, 'small'],
    [{ type: 'choice' }, t('grande cafe'), 'large'],
    [{ type: 'choice' }, t('LARGE'), 'large'],
    [{ type: 'any' }, t('anything'), 'anything'],
    [{ type: 'any' }, image, image],
    [{ type: 'any' }, location, location],
  ] as Array<[Partial<CompiledInput> & Record<string, unknown>, GenericMessage, unknown]>)(
    'should accept %j with %j',
    (spec, message, value) => {
      const input = { ...spec, minLength: spec.min_length as number | undefined };
      expect(check(input, message)).toEqual({ ok: true, value });
    },
  );

  it.each([
    [{ type: 'text' }, t('   '), 'empty'],
    [{ type: 'text' }, image, 'not_text'],
    [{ type: 'text', pattern: /^[0-9]{6}$/ }, t('12345'), 'pattern'],
    [{ type: 'text', minLength: 3 }, t('ab'), 'min_length'],
    [{ type: 'text', maxLength: 3 }, t('abcd'), 'max_length'],
    [{ type: 'number' }, t('twelve'), 'not_number'],
    [{ type: 'number', min: 1 }, t('0'), 'min'],
    [{ type: 'number', max: 10 }, t('11'), 'max'],
    [{ type: 'integer' }, t('7.5'), 'not_integer'],
    [{ type: 'email' }, t('zoe@example'), 'email'],
    [{ type: 'phone' }, t('0712 345 678'), 'phone'],
    [{ type: 'date' }, t('31/02/2026'), 'date'],
    [{ type: 'date', max: '2026-12-31' }, t('01/01/2027'), 'max'],
    [{ type: 'time' }, t('26:00'), 'time'],
    [{ type: 'time', min: '08:00' }, t('07:59'), 'min'],
    [{ type: 'choice' }, t('medium'), 'choice'],
    [{ type: 'choice' }, location, 'not_text'],
    [{ type: 'any', pattern: /^x/ }, t('abc'), 'pattern'],
  ] as Array<[Partial<CompiledInput>, GenericMessage, string]>)(
    'should refuse %j with %j as %s',
    (spec, message, reason) => {
      expect(check(spec, message)).toEqual({ ok: false, reason });
    },
  );

  it('should return a copy of the inbound message for any', () => {
    const outcome = check({ type: 'any' }, image);
    expect(outcome.ok && outcome.value).not.toBe(image);
  });
});
