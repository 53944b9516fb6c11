import { isIP } from 'node:net';
import { z } from 'zod';

/** The names Express's `trust proxy` (proxy-addr) knows for address ranges. */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'] as const;
const MAX_HOPS = 10;

/** An address (`10.0.0.5`, `::1`), a CIDR range (`10.0.0.0/8`) or a named range; undefined when valid. */
function entryProblem(entry: string): string | undefined {
  if ((NAMED_RANGES as readonly string[]).includes(entry)) return undefined;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0)
    return `${entry} is not an IP address, CIDR range or ${NAMED_RANGES.join('/')}`;
  if (prefix === undefined) return undefined;
  const bits = family === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= bits
    ? undefined
    : `${entry} has no valid prefix length (0-${bits})`;
}

/**
 * TRUST_PROXY, as Express's `trust proxy` takes it: `off` (default: the connection's address is the
 * client's, X-Forwarded-For is ignored), a hop count (`1`: the nearest proxy, whatever its address),
 * or the proxies' addresses and CIDR ranges (`10.0.0.0/8,loopback`). "Trust every hop" is refused:
 * the leftmost X-Forwarded-For entry is whatever the client wrote, so every per-address limit could
 * be dodged by sending a new one each time.
 */
export const trustProxy = z
  .string()
  .trim()
  .default('off')
  .transform((value, context): false | number | string[] => {
    if (value === '' || value === 'off' || value === 'false' || value === '0') return false;
    if (/^\d+$/.test(value)) {
      const hops = Number(value);
      if (hops <= MAX_HOPS) return hops;
      context.addIssue({ code: 'custom', message: `expected at most ${MAX_HOPS} proxy hops` });
      return z.NEVER;
    }
    if (value === 'true' || value === '*') {
      context.addIssue({
        code: 'custom',
        message: 'trusting every hop lets a client choose its own address: name the hop count or the proxies',
      });
      return z.NEVER;
    }
    const entries = value.split(',').map((e) => e.trim());
    const problems = entries.map(entryProblem).filter((p): p is string => p !== undefined);
    for (const message of problems) context.addIssue({ code: 'custom', message });
    return problems.length > 0 ? z.NEVER : entries;
  });
