import { hasValidGs1CheckDigit } from '../canonical/events/values.js';

/** GS1 mod-10 check digit of the digits given (weights 3 and 1 from the right), GS1 General Specifications §7.9. */
export function gs1CheckDigit(digits: string): number {
  if (!/^[0-9]+$/.test(digits)) throw new Error(`expected digits, not ${JSON.stringify(digits)}`);
  let total = 0;
  for (let i = digits.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight)
    total += Number(digits[i]) * weight;
  return (10 - (total % 10)) % 10;
}

/** An 18-digit SSCC with a valid check digit. */
export function isValidSscc(value: string): boolean {
  return /^[0-9]{18}$/.test(value) && hasValidGs1CheckDigit(value);
}

/** Serial references a GS1 Company Prefix of this length can number (the prefix and serial make 16 digits). */
export function serialCapacity(companyPrefix: string): bigint {
  return 10n ** BigInt(16 - companyPrefix.length);
}

/**
 * The SSCC of one logistic unit: extension digit, GS1 Company Prefix, serial reference (zero-padded to
 * 16 digits with the prefix), check digit.
 */
export function makeSscc(extensionDigit: number, companyPrefix: string, serial: bigint): string {
  if (!/^[0-9]{7,10}$/.test(companyPrefix)) throw new Error('a GS1 Company Prefix has 7-10 digits');
  if (!Number.isInteger(extensionDigit) || extensionDigit < 0 || extensionDigit > 9)
    throw new Error('the extension digit is 0-9');
  if (serial < 0n || serial >= serialCapacity(companyPrefix))
    throw new Error(`serial ${serial} does not fit in ${16 - companyPrefix.length} digits`);
  const body = `${extensionDigit}${companyPrefix}${serial.toString().padStart(16 - companyPrefix.length, '0')}`;
  return `${body}${gs1CheckDigit(body)}`;
}

/** `(00) 1 0614141 123456789 7`: the SSCC as printed under a label's barcode (GS1 human readable). */
export function humanReadableSscc(sscc: string, companyPrefixLength: number): string {
  return `(00) ${sscc[0]} ${sscc.slice(1, 1 + companyPrefixLength)} ${sscc.slice(1 + companyPrefixLength, 17)} ${sscc[17]}`;
}
