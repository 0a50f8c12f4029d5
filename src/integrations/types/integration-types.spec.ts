import { DomainError } from '../../common/domain-error';
import { requireObjectBody } from '../api/field-issues';
import { integrationTypeFor, storedIntegrationType } from './integration-types';

function refusal(fn: () => unknown): { detail: string; paths: string[] } {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError)
      return { detail: error.detail, paths: (error.errors ?? []).map((e) => e.path) };
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('integration types', () => {
  it('should find http and the channels built so far, in the registry and for stored rows', () => {
    expect(integrationTypeFor('http').type).toBe('http');
    expect(storedIntegrationType('http')?.type).toBe('http');
    for (const type of ['whatsapp', 'ussd', 'sms'])
      expect(integrationTypeFor(type).type).toBe(type);
    expect(storedIntegrationType('telex')).toBeNull();
  });

  it('should answer the channel types of the contract not built yet as not supported yet', () => {
    for (const type of ['rest-api'])
      expect(refusal(() => integrationTypeFor(type))).toEqual({
        detail: `type "${type}" is not supported yet`,
        paths: ['type'],
      });
  });

  it('should refuse a missing or unknown type at path "type"', () => {
    for (const type of [undefined, 'ftp', 3, null])
      expect(refusal(() => integrationTypeFor(type)).paths).toEqual(['type']);
  });

  it('should refuse a body that is not an object at path ""', () => {
    expect(refusal(() => requireObjectBody([1])).paths).toEqual(['']);
    expect(requireObjectBody(undefined)).toEqual({});
  });
});
