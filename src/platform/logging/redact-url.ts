/**
 * Request URLs as they may be written to logs and problem bodies: secrets some URLs carry are masked.
 * The portal's invitation and password-reset links carry their single-use token in the path (valid
 * for hours, not used up by opening the page), and an OAuth2 callback carries the authorization code
 * and state in the query (RFC 6749 §4.1.2); a log line is read by more people than the link was sent to.
 */

export const REDACTED = '[redacted]';

/** Paths whose segment after the prefix is a bearer secret. */
const SECRET_PATH = /^(\/portal\/(?:password-reset|invitations)\/)[^/?#]+/;

/** Query parameters that carry a secret wherever they appear (OAuth2 codes and states, tokens). */
const SECRET_PARAM =
  /^(?:code|state|token|secret|password|key|api_key|access_token|id_token|refresh_token|client_secret)$/i;

export function redactUrl(url: string | undefined): string {
  if (!url) return '';
  const hash = url.indexOf('#');
  const withoutFragment = hash < 0 ? url : url.slice(0, hash);
  const question = withoutFragment.indexOf('?');
  const path = question < 0 ? withoutFragment : withoutFragment.slice(0, question);
  const redactedPath = path.replace(SECRET_PATH, `$1${REDACTED}`);
  if (question < 0) return redactedPath;
  // Split by hand rather than through URLSearchParams, so the other parameters stay byte for byte.
  const query = withoutFragment
    .slice(question + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return SECRET_PARAM.test(safeDecode(name)) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${redactedPath}?${query}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
