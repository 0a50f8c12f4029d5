import { FlowCompileError } from '../flow-compile-error';
import { normaliseInput } from './normalise-input';

describe('normaliseInput', () => {
  it('should keep every option', () => {
    const input = normaliseInput(
      {
        save_to: 'phone',
        type: 'phone',
        default_country: 'TZ',
        error_message: 'Bad',
        max_retries: 2,
        on_max_retries: 'help',
        min_length: 1,
        max_length: 20,
      },
      'p',
    );
    expect(input).toMatchObject({
      type: 'phone',
      save_to: 'phone',
      default_country: 'TZ',
      error_message: 'Bad',
      max_retries: 2,
      on_max_retries: 'help',
      min_length: 1,
      max_length: 20,
      path: 'p',
    });
  });

  it('should accept ISO bounds for dates', () => {
    expect(normaliseInput({ type: 'date', min: '2026-01-01' }, 'p')?.min).toBe('2026-01-01');
  });

  it('should be absent when not given', () => {
    expect(normaliseInput(undefined, 'p')).toBeUndefined();
  });

  it.each([[{ type: 'color' }], [{ max_retries: '3' }], [{ min: {} }], ['text']])(
    'should refuse %j',
    (raw) => {
      expect(() => normaliseInput(raw, 'p')).toThrow(FlowCompileError);
    },
  );
});
