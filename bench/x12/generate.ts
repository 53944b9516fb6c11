import { seeded, SegmentFile, type GenerateOptions } from '../shared/seeded.js';

/** 17 digits and their GS1 check digit (mod 10, weights 3 and 1 from the right): a valid SSCC. */
function sscc(digits: string): string {
  let total = 0;
  for (let i = digits.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight)
    total += Number(digits[i]) * weight;
  return `${digits}${(10 - (total % 10)) % 10}`;
}

/**
 * Seeded generator of a large X12 file: one 00401 interchange of alternating PO (850) and SH (856)
 * groups, each set well under 1 MB. Values are random but reproducible, so every run and every
 * contender reads the same bytes. No composites or repetitions: the peers split those differently.
 * `inject` damages a few sets (wrong SE01, unknown segment id).
 */
export function generateX12(path: string, options: GenerateOptions): void {
  const { rnd, int, str } = seeded(options.seed);
  const num = (digits: number): string => String(int(10 ** digits)).padStart(digits, '0');
  const file = new SegmentFile(path, '~');
  const out = (segment: string): void => file.segment(segment);

  out(
    'ISA*00*          *00*          *ZZ*SUPPLIER       *ZZ*BUYER          *240131*1230*U*00401*000000001*0*P*>',
  );
  let groupNo = 0;
  let setNo = 0;
  while (file.size < options.bytes) {
    groupNo++;
    const po = groupNo % 2 === 1;
    out(`GS*${po ? 'PO' : 'SH'}*SUPPLIER*BUYER*20240131*1230*${groupNo}*X*004010`);
    const sets = 50;
    for (let s = 0; s < sets; s++) {
      setNo++;
      const st02 = String(setNo).padStart(9, '0');
      const body: string[] = [];
      if (po) {
        body.push(`BEG*00*SA*PO${num(8)}**20240131`, `REF*DP*${num(3)}`, `DTM*002*202402${num(2)}`);
        body.push(
          `N1*ST*${str(5, 30)}*92*${num(6)}`,
          `N3*${num(4)} ${str(5, 20)} RD`,
          `N4*${str(4, 12)}*OH*${num(5)}`,
        );
        const lines = 5 + int(120);
        for (let l = 1; l <= lines; l++) {
          body.push(`PO1*${l}*${1 + int(500)}*EA*${int(100)}.${num(2)}**BP*${str(6, 12)}*VP*${str(6, 12)}`);
          body.push(`PID*F****${str(10, 40)}`);
          if (rnd() < 0.3) body.push(`PO4*${1 + int(12)}*${1 + int(24)}*EA`);
        }
        body.push(`CTT*${lines}`);
      } else {
        body.push(
          `BSN*00*${str(8, 12)}*20240131*1230*0001`,
          'HL*1**S',
          `TD1*CTN*${1 + int(90)}****G*${int(900)}*LB`,
        );
        body.push(`REF*BM*${num(10)}`, `DTM*011*20240131`, `N1*ST*${str(5, 30)}*92*${num(6)}`);
        let hl = 1;
        const orders = 1 + int(4);
        for (let o = 0; o < orders; o++) {
          const order = ++hl;
          body.push(`HL*${order}*1*O`, `PRF*PO${num(8)}`);
          const packs = 1 + int(6);
          for (let p = 0; p < packs; p++) {
            const pack = ++hl;
            body.push(`HL*${pack}*${order}*P`, `MAN*GM*${sscc(num(17))}`);
            const items = 1 + int(8);
            for (let i = 0; i < items; i++) {
              body.push(
                `HL*${++hl}*${pack}*I`,
                `LIN*${i + 1}*UP*${num(12)}*VP*${str(6, 12)}`,
                `SN1**${1 + int(48)}*EA`,
              );
            }
          }
        }
        body.push(`CTT*${hl}`);
      }
      let count = body.length + 2;
      if (options.inject && setNo % 97 === 0) count++; // AK502 4
      if (options.inject && setNo % 89 === 0) body.splice(1, 0, 'X*1'); // AK304 1 (id too short)
      out(`ST*${po ? '850' : '856'}*${st02}`);
      for (const segment of body) out(segment);
      out(`SE*${count}*${st02}`);
    }
    out(`GE*${sets}*${groupNo}`);
  }
  out('IEA*' + groupNo + '*000000001');
  file.close();
}
