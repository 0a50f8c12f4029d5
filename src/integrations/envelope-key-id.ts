/** The key id inside a SecretBox envelope (`v1:<keyId>:...`), stored beside it in `key_id`. */
export function envelopeKeyId(envelope: string): string {
  const id = envelope.split(':')[1];
  if (!id || !/^[0-9a-f]{8}$/.test(id)) throw new Error('Not a SecretBox envelope');
  return id;
}
