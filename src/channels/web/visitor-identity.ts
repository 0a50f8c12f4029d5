import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A visitor id the widget keeps in localStorage (seed 000's device-scoped id on web). */
export const VISITOR_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

export const newVisitorId = () => `v_${randomBytes(16).toString('base64url')}`;

/** The token that authorises a session's later calls: random, stored only as its hash. */
export const newVisitorToken = () => randomBytes(32).toString('base64url');

export const hashVisitorToken = (token: string): Buffer =>
  createHash('sha256').update(token, 'utf8').digest();

/** Whether `token` is the one whose hash is stored, in constant time. */
export function visitorTokenMatches(storedHash: Buffer, token: string): boolean {
  const sent = hashVisitorToken(token);
  return storedHash.length === sent.length && timingSafeEqual(storedHash, sent);
}

/** A site's claim that the visitor is one of its logged-in users. */
export interface UserClaim {
  id: string;
  signature: string;
}

/**
 * The site's user id when the claim is signed with the integration's identity secret (the
 * lowercase hex HMAC-SHA256 of the id), else null: an unsigned or wrongly signed claim is
 * ignored, and the visitor stays anonymous.
 */
export function verifiedUserId(secret: string | null, claim: UserClaim | undefined): string | null {
  if (!secret || !claim) return null;
  const want = createHmac('sha256', secret).update(claim.id, 'utf8').digest();
  const sent = /^[0-9a-f]{64}$/.test(claim.signature) ? Buffer.from(claim.signature, 'hex') : null;
  return sent && timingSafeEqual(want, sent) ? claim.id : null;
}
