import {
  ArgumentMetadata,
  Type,
  ValidationError,
  ValidationPipe,
  type ValidationPipeOptions,
} from '@nestjs/common';
import Ajv, { type JSONSchemaType, type ValidateFunction } from 'ajv';
import { DomainError, ErrorCode, FieldError } from './domain-error';

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const path = prefix
      ? /^\d+$/.test(e.property)
        ? `${prefix}[${e.property}]`
        : `${prefix}.${e.property}`
      : e.property;
    for (const [rule, message] of Object.entries(e.constraints ?? {})) {
      out.push({ path, message: rule === 'whitelistValidation' ? 'Unknown field.' : message });
    }
    if (e.children?.length) out.push(...flatten(e.children, path));
  }
  return out;
}

const ajv = new Ajv({ strict: true });
const accepted = new WeakMap<object, ValidateFunction>();

/**
 * Gives a request DTO class a JSON Schema of bodies it accepts, compiled once by Ajv: a body
 * the schema matches skips class-validator and class-transformer (about 6 % of a Chat API
 * turn's JavaScript time, docs/scaling.md); any other body is validated by the class's
 * decorators as before, which word its errors and have the last word. So the schema must
 * never match a body the decorators refuse (a property test per schema checks it, see
 * validation.spec.ts); it may leave out bodies they accept (those only take the slower path).
 */
export function AcceptsSchema<T>(schema: JSONSchemaType<T>): ClassDecorator {
  const validate = ajv.compile(schema);
  return (target) => {
    accepted.set(target, validate);
  };
}

/** A body its DTO's schema matches, as the DTO (what class-transformer makes of it); else undefined. */
export function acceptedBySchema<T extends object>(dto: Type<T>, body: unknown): T | undefined {
  const validate = accepted.get(dto);
  return validate?.(body) ? Object.assign(new dto(), body) : undefined;
}

/** Nest's ValidationPipe, with the schema fast path of AcceptsSchema first. */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype) {
      const fast = acceptedBySchema(metadata.metatype as Type<object>, value);
      if (fast) return fast;
    }
    return super.transform(value, metadata);
  }
}

/** Request DTO validation: unknown fields rejected, every problem reported with its path. */
export const VALIDATION_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
  stopAtFirstError: true,
  exceptionFactory: (errors) => {
    const list = flatten(errors);
    return new DomainError(ErrorCode.ValidationFailed, 'Request validation failed.', list);
  },
};

export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe(VALIDATION_OPTIONS);
}
