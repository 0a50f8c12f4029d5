import { compileRule } from '../compile/compile-rules';
import type { GenericMessage } from '../generic-message';
import type { TransitionRule } from '../normalise/normalised-flow';
import { matchRule, prepareReply } from './match-rule';

const rule = (fields: Partial<TransitionRule>) =>
  compileRule({ to: 'x', always: false, path: 'p.to', ...fields });
const t = (text: string): GenericMessage => ({ type: 'text', text });
const choices = () => [{ id: 'support', title: 'Talk to support' }];

describe('matchRule', () => {
  it.each([
    [{ button: 'support' }, { type: 'button', text: 'Whatever', button_id: 'support' }, 'button'],
    [{ button: 'support' }, t(' SUPPORT '), 'button'],
    [{ button: 'support' }, t('talk to SUPPORT'), 'button'],
    [{ keywords: ['Saa', 'hours'] }, t('saa'), 'keyword'],
    [{ keywords: ['café'] }, t('CAFE'), 'keyword'],
    [{ regex: '^\\d{6}$' }, t(' 123456 '), 'regex'],
    [{ when: { var: 'tier', op: 'eq', value: 'gold' } }, t('anything'), 'when'],
    [{ keywords: ['go'], when: { var: 'tier', op: 'eq', value: 'gold' } }, t('go'), 'keyword'],
    [{}, t(''), 'default'],
  ] as Array<[Partial<TransitionRule>, GenericMessage, string]>)(
    'should match %j with %j by %s',
    (fields, message, reason) => {
      expect(matchRule(rule(fields), prepareReply(message), { tier: 'gold' }, choices)).toBe(
        reason,
      );
    },
  );

  it.each([
    [{ button: 'support' }, { type: 'button', text: 'FAQ', button_id: 'faq' }],
    [{ button: 'support' }, t('help')],
    [{ keywords: ['hours'] }, t('what are your hours')],
    [{ regex: '^\\d{6}$' }, t('12345')],
    [{ when: { var: 'tier', op: 'eq', value: 'silver' } }, t('x')],
    [{ keywords: ['go'], when: { var: 'tier', op: 'eq', value: 'silver' } }, t('go')],
    [{ keywords: ['photo'] }, { type: 'image', media_url: 'u' }],
  ] as Array<[Partial<TransitionRule>, GenericMessage]>)(
    'should not match %j with %j',
    (fields, message) => {
      expect(
        matchRule(rule(fields), prepareReply(message), { tier: 'gold' }, choices),
      ).toBeUndefined();
    },
  );

  it('should only render choices when a typed title has to be compared', () => {
    const lazy = jest.fn(choices);
    matchRule(
      rule({ button: 'support' }),
      prepareReply({ type: 'button', text: 'x', button_id: 'support' }),
      {},
      lazy,
    );
    matchRule(rule({ keywords: ['a'] }), prepareReply(t('a')), {}, lazy);
    expect(lazy).not.toHaveBeenCalled();
  });
});
