/**
 * Files of many despatch advices (DESADV D.96A, EANCOM 005) from Nordic Castings for the tests of the
 * EDIFACT translation stream and job: one pack of one line each, written here for these tests.
 */

/** SSCC of 17 digits and its GS1 check digit (weights 3, 1, 3, … from the right). */
function sscc(serial: number): string {
  const digits = `373500001${String(serial).padStart(8, '0')}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i++)
    sum += Number(digits[digits.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return `${digits}${(10 - (sum % 10)) % 10}`;
}

/** One despatch advice, UNH 0062 `reference`, its despatch number (BGM 1004) `DES-<reference>`. */
export function despatchAdvice(reference: string): string {
  const body = [
    `BGM+351+DES-${reference}+9`,
    'DTM+137:202504021130:203',
    'DTM+11:202504021000:203',
    'RFF+ON:4500012450',
    'NAD+SU+7350000123457::9',
    'NAD+ST+7350000999991::9',
    'TDT+20++3++DSVR:::DSV Road AB',
    'CPS+1',
    'CPS+2+1',
    'PAC+1++201',
    'MEA+AAE+AAB+KGM:96.5',
    'PCI+33E',
    `GIN+BJ+${sscc(Number(reference))}`,
    'LIN+1',
    'PIA+5+NC-CVR-4412-GJS500:SA',
    'QTY+12:6:PCE',
    'RFF+LI:10',
    'CNT+2:1',
  ];
  return [`UNH+${reference}+DESADV:D:96A:UN:EAN005`, ...body, `UNT+${body.length + 2}+${reference}`]
    .map((s) => `${s}'\n`)
    .join('');
}

/**
 * An interchange from Nordic Castings to us (UNB 0020 `reference`, digits) of `groups` functional
 * groups (UNG 0048 1, 2, …) of `messages` despatch advices each, or of `messages` despatch advices
 * outside any group when `groups` is 0. UNH 0062 is the last three digits of the reference and a
 * running number. `unz0020` differs from the reference when given (the interchange is then rejected at
 * its very end, after all its messages were read).
 */
export function despatchAdviceInterchange(
  reference: string,
  groups: number,
  messages: number,
  unz0020 = reference,
): string {
  let text = `UNA:+.? '\nUNB+UNOC:3+7350000123457:14+5790000000005:14+250402:1130+${reference}'\n`;
  let unh = 0;
  const next = () => despatchAdvice(`${reference.slice(-3)}${String(++unh).padStart(4, '0')}`);
  if (groups === 0) for (let m = 0; m < messages; m++) text += next();
  for (let g = 1; g <= groups; g++) {
    text += `UNG+DESADV+7350000123457:14+5790000000005:14+250402:1130+${g}+UN+D:96A'\n`;
    for (let m = 0; m < messages; m++) text += next();
    text += `UNE+${messages}+${g}'\n`;
  }
  return `${text}UNZ+${groups === 0 ? messages : groups}+${unz0020}'\n`;
}
