import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError, ErrorCode } from './domain-error';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;

/** Path ids are ULIDs; anything else cannot name a resource, so it is a 404 like an unknown id. */
@Injectable()
export class UlidPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!ULID.test(value)) throw new DomainError(ErrorCode.NotFound, 'Resource not found');
    return value.toUpperCase();
  }
}
