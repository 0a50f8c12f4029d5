import { DomainError } from '../../common/domain-error';
import { requireObjectBody } from '../api/field-issues';
import {
  INTEGRATION_TYPE_NAMES,
  integrationTypeFor,
  storedIntegrationType,
  unsupportedType,
} from './integration-types';

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
  it('should find every type of the contract, in the registry and for stored rows', () => {
    for (const type of INTEGRATION_TYPE_NAMES) {
      expect(integrationTypeFor(type).type).toBe(type);
      expect(storedIntegrationType(type)?.type).toBe(type);
    }
    expect(storedIntegrationType('telex')).toBeNull();
  });

  it('should answer a stored row of a type this server does not know as not supported', () => {
    expect(
      refusal(() => {
        throw unsupportedType('telex');
      }),
    ).toEqual({ detail: 'type "telex" is not supported', paths: ['type'] });
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
