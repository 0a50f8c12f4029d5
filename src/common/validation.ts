import { ValidationError, ValidationPipe } from '@nestjs/common';
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

/** Request DTO validation: unknown fields rejected, every problem reported with its path. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const list = flatten(errors);
      return new DomainError(ErrorCode.ValidationFailed, 'Request validation failed.', list);
    },
  });
}
