import 'reflect-metadata';
import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import fc from 'fast-check';
import { SendMessageDto } from '../channels/api/chat.dto';
import { acceptedBySchema, createValidationPipe, VALIDATION_OPTIONS } from './validation';

const BODY: ArgumentMetadata = { type: 'body', metatype: SendMessageDto, data: '' };

/** class-validator's verdict alone (the pipe without the schema fast path). */
async function decorators(body: unknown): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    return { ok: true, value: await new ValidationPipe(VALIDATION_OPTIONS).transform(body, BODY) };
  } catch {
    return { ok: false };
  }
}

/** Text near every edge the two validators count differently: lengths, pairs, variation selectors. */
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.constantFrom('', '\uFE0F', '\uFE0E\uFE0F', 'a\uFE0F', '😀', '😀\uFE0F', ' '),
  fc
    .tuple(fc.constantFrom('a', 'é', '😀', '\uFE0F', 'ab\uFE0F'), fc.integer({ min: 0, max: 4100 }))
    .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n)),
  fc
    .tuple(fc.integer({ min: 250, max: 4100 }), fc.constantFrom('😀', '\uFE0F', 'x'))
    .map(([n, tail]) => 'a'.repeat(n) + tail),
);
const anyValue = fc.oneof(text, fc.constant(null), fc.integer(), fc.boolean(), fc.constant([]));
const mostlyText = fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: anyValue });
const body = fc
  .tuple(
    fc.record(
      {
        message: mostlyText,
        message_type: fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom('text', 'button', null) },
          { weight: 1, arbitrary: fc.oneof(fc.constantFrom('TEXT', ''), anyValue) },
        ),
        button_id: mostlyText,
      },
      { requiredKeys: ['message'] },
    ),
    fc.option(anyValue, { freq: 8 }),
  )
  .map(([fields, extra]) => (extra === null ? fields : { ...fields, extra }));

describe('AcceptsSchema (the compiled fast path of request validation)', () => {
  it('never accepts a SendMessageDto body the decorators refuse, and accepts it as they would', async () => {
    let fast = 0;
    let slow = 0;
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const accepted = acceptedBySchema(SendMessageDto, b);
        const verdict = await decorators(b);
        if (accepted === undefined) {
          slow++;
          return;
        }
        fast++;
        expect(verdict.ok).toBe(true);
        expect(accepted).toBeInstanceOf(SendMessageDto);
        expect(accepted).toStrictEqual((verdict as { value: unknown }).value);
      }),
      { numRuns: 3000 },
    );
    // both paths were exercised
    expect(fast).toBeGreaterThan(150);
    expect(slow).toBeGreaterThan(150);
  });

  it('takes the fast path for a plain message and leaves errors to the decorators', async () => {
    const pipe = createValidationPipe();
    expect(acceptedBySchema(SendMessageDto, { message: 'Mango' })).toBeInstanceOf(SendMessageDto);
    await expect(pipe.transform({ message: 'Mango', button_id: null }, BODY)).resolves.toEqual({
      message: 'Mango',
      button_id: null,
    });
    // refused by the schema, accepted by the decorators (they do not count U+FE0F)
    expect(acceptedBySchema(SendMessageDto, { message: 'a'.repeat(4096) + '\uFE0F' })).toBe(
      undefined,
    );
    await expect(
      pipe.transform({ message: 'a'.repeat(4096) + '\uFE0F' }, BODY),
    ).resolves.toBeInstanceOf(SendMessageDto);
    await expect(pipe.transform({ message: '' }, BODY)).rejects.toMatchObject({
      errors: [{ path: 'message', message: 'message must be 1 to 4096 characters long' }],
    });
    await expect(pipe.transform({ message: 'hi', colour: 'red' }, BODY)).rejects.toMatchObject({
      errors: [{ path: 'colour', message: 'Unknown field.' }],
    });
  });
});
