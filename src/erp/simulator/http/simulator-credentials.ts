import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpProblem } from './problem.js';

/** What the simulator expects in Authorization, like an ERP configured for the gateway's client. */
export type SimulatorCredentials =
  | { readonly type: 'bearer'; readonly token: string }
  | { readonly type: 'basic'; readonly username: string; readonly password: string };

/** Null when the header carries the expected credentials, else the 401 to answer. */
export function checkCredentials(
  expected: SimulatorCredentials,
  header: string | undefined,
): HttpProblem | null {
  const wanted =
    expected.type === 'bearer'
      ? `Bearer ${expected.token}`
      : `Basic ${Buffer.from(`${expected.username}:${expected.password}`, 'utf8').toString('base64')}`;
  if (header !== undefined && sameSecret(header, wanted)) return null;
  const challenge =
    expected.type === 'bearer'
      ? 'Bearer realm="erp-simulator"'
      : 'Basic realm="erp-simulator", charset="UTF-8"';
  return new HttpProblem(
    'unauthenticated',
    header === undefined ? 'credentials required' : 'the credentials are not valid',
    [],
    { 'WWW-Authenticate': challenge },
  );
}

/** Compares digests, so the time taken says nothing about how much of the secret matched. */
function sameSecret(given: string, wanted: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(wanted));
}
