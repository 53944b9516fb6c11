import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { formatProblem, loadPartnerProfiles, type PartnerProblem } from './partner-loader.js';
import { partnerProfileSchema } from './partner-profile.schema.js';

const repoPartners = fileURLToPath(new URL('../../partners', import.meta.url));

/** A valid profile to start each broken fixture from. */
export const minimalProfile = (id: string, extra = '') => `id: ${id}
name: ${id} Ltd
status: test
identities:
  x12:
    - { qualifier: ZZ, id: ${id.toUpperCase().replace(/-/g, '')} }
documents:
  inbound:
    - { standard: x12, version: '004010', type: '855' }
acknowledgments:
  functional: '997'
${extra}`;

const dirs: string[] = [];
function partnersDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-partners-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The one problem of a directory holding one file; fails when there are more or none. */
function onlyProblem(text: string, name = 'p.yaml'): PartnerProblem & { text: string } {
  const dir = partnersDir({ [name]: text });
  const { problems, profiles } = loadPartnerProfiles(dir);
  expect(profiles).toEqual([]);
  expect(problems.map(formatProblem)).toHaveLength(1);
  const problem = problems[0]!;
  expect(problem.file).toBe(join(dir, name));
  return { ...problem, text: formatProblem(problem).slice(dir.length + 1) };
}

describe('the repository examples', () => {
  it('load without problems, normalised', () => {
    const { profiles, problems, files } = loadPartnerProfiles(repoPartners);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(profiles.map((p) => p.id)).toEqual(['acme-fasteners', 'nordic-castings']);
    expect(files.get('acme-fasteners')).toBe(join(repoPartners, 'acme-fasteners.yaml'));

    const acme = profiles[0]!;
    expect(acme.status).toBe('test');
    // Written unquoted in the YAML: the leading zeros must survive.
    expect(acme.identities.x12).toContainEqual({ qualifier: '01', id: '081466849' });
    expect(acme.documents.inbound.map((d) => `${d.standard} ${d.version} ${d.type}`)).toEqual([
      'x12 004010 855',
      'x12 004010 856',
      'x12 004010 997',
    ]);
    expect(acme.documents.outbound.map((d) => d.type)).toEqual(['850', '860']);
    expect(acme.channels.sftp).toEqual({ enabled: true });
    expect(acme.acknowledgments).toEqual({ functional: '997', functionalSlaHours: 24, businessSlaHours: 48 });

    const nordic = profiles[1]!;
    expect(nordic.identities.edifact).toEqual([{ id: '7350000123457', qualifier: '14' }]);
    expect(nordic.documents.inbound.map((d) => d.type)).toEqual(['ORDRSP', 'DESADV', 'CONTRL']);
    expect(nordic.documents.outbound.map((d) => `${d.version} ${d.type}`)).toEqual([
      'D96A ORDERS',
      'D96A ORDCHG',
    ]);
    expect(nordic.channels.as2?.enabled).toBe(true);
    expect(nordic.acknowledgments.functional).toBe('CONTRL');
  });
});

describe('docs/partners.md', () => {
  it('annotates an example that is itself valid', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/partners.md', import.meta.url)), 'utf8');
    const example = /```yaml\n# partners\/acme-fasteners\.yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const dir = partnersDir({ 'acme-fasteners.yaml': example! });
    const { profiles, problems } = loadPartnerProfiles(dir);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(profiles[0]!.crossReferences.units).toEqual({ EA: 'C62', PC: 'H87' });
  });

  it('describes every top-level field the profile schema accepts under "Every field"', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/partners.md', import.meta.url)), 'utf8');
    const section = /^## Every field\n([\s\S]*?)^## /m.exec(doc)?.[1] ?? '';
    const described = [...section.matchAll(/^### `([a-zA-Z][a-zA-Z0-9]*)`/gm)].map((m) => m[1]);
    expect(described.sort()).toEqual(Object.keys(partnerProfileSchema.shape).sort());
  });
});

describe('normalisation and defaults', () => {
  it('upper-cases and trims ids and codes, keeps AS2 ids as written, fills defaults', () => {
    const dir = partnersDir({
      'norm.yaml': `id: ' norm '
name: '  Norm GmbH '
status: test
identities:
  x12: [{ qualifier: zz, id: ' normco ' }]
  gs: [' normgs ']
  edifact: [{ id: 'abc', qualifier: zzz }]
  as2: [' Norm-AS2 ']
documents:
  inbound: [{ standard: edifact, version: d96a, type: desadv }, { standard: x12, version: 005010, type: 856 }]
acknowledgments: { functional: contrl }
crossReferences:
  units: { ea: c62, ' pc ': H87 }
`,
    });
    const { profiles, problems } = loadPartnerProfiles(dir);
    expect(problems.map(formatProblem)).toEqual([]);
    const [p] = profiles;
    expect(p).toMatchObject({
      id: 'norm',
      name: 'Norm GmbH',
      identities: {
        x12: [{ qualifier: 'ZZ', id: 'NORMCO' }],
        gs: ['NORMGS'],
        edifact: [{ id: 'ABC', qualifier: 'ZZZ' }],
        as2: ['Norm-AS2'],
      },
      documents: {
        inbound: [
          { standard: 'edifact', version: 'D96A', type: 'DESADV' },
          { standard: 'x12', version: '005010', type: '856' },
        ],
        outbound: [],
      },
      channels: {},
      acknowledgments: { functional: 'CONTRL', functionalSlaHours: 24 },
      tolerances: { quantityPercent: 0, pricePercent: 0, dateDaysEarly: 0, dateDaysLate: 0 },
      crossReferences: { parts: [], units: { EA: 'C62', PC: 'H87' }, locations: [] },
      // X12 goes out as UTF-8 unless the profile says otherwise, as it always did.
      x12: { encoding: 'utf8' },
    });
    expect(p!.acknowledgments.businessSlaHours).toBeUndefined();
  });

  it('keeps open channel settings next to enabled', () => {
    const dir = partnersDir({
      'ch.yaml': minimalProfile('ch', 'channels:\n  portal: { enabled: false, host: x }\n'),
    });
    expect(loadPartnerProfiles(dir).profiles[0]!.channels.portal).toEqual({ enabled: false, host: 'x' });
  });
});

describe('every problem names file, line, column and path', () => {
  it('formats as file:line:col path: message', () => {
    expect(
      formatProblem({
        file: 'partners/acme.yaml',
        line: 12,
        column: 5,
        path: 'identities.x12[0].qualifier',
        message: 'expected x',
      }),
    ).toBe('partners/acme.yaml:12:5 identities.x12[0].qualifier: expected x');
    expect(formatProblem({ file: 'partners/a.yml', path: '', message: 'm' })).toBe('partners/a.yml: m');
  });

  it('a value of the wrong shape, at the value', () => {
    const profile = minimalProfile('p').replace('{ qualifier: ZZ,', '{ qualifier: Z,');
    expect(onlyProblem(profile).text).toBe(
      'p.yaml:6:20 identities.x12[0].qualifier: expected an ISA qualifier: two letters or digits (ZZ, 01, 12, …)',
    );
  });

  it('a document of the wrong standard, version or type', () => {
    expect(onlyProblem(minimalProfile('p').replace("version: '004010'", 'version: 4010')).text).toBe(
      "p.yaml:9:33 documents.inbound[0].version: expected an X12 version: six digits and an optional suffix ('004010')",
    );
    expect(onlyProblem(minimalProfile('p').replace("type: '855'", 'type: ORDRSP')).text).toMatch(
      /^p\.yaml:9:49 documents\.inbound\[0\]\.type: expected an X12 transaction set/,
    );
    expect(onlyProblem(minimalProfile('p').replace('standard: x12', 'standard: x13')).text).toBe(
      'p.yaml:9:19 documents.inbound[0].standard: expected standard: x12, edifact or json',
    );
  });

  it('a missing field, at its parent', () => {
    expect(onlyProblem(minimalProfile('p').replace('name: p Ltd\n', '')).text).toBe(
      'p.yaml:1:1 name: is missing (expected a partner name)',
    );
    expect(onlyProblem(minimalProfile('p', 'channels:\n  portal: { url: x }\n')).text).toBe(
      'p.yaml:13:11 channels.portal.enabled: is missing (expected enabled: true or false)',
    );
  });

  it('an unknown (misspelt) field, at its key', () => {
    expect(onlyProblem(minimalProfile('p', 'tolerances:\n  quantityPct: 5\n')).text).toBe(
      'p.yaml:13:3 tolerances.quantityPct: unknown field; check its spelling and place (docs/partners.md)',
    );
  });

  it('a number out of range', () => {
    expect(onlyProblem(minimalProfile('p', 'tolerances: { dateDaysLate: 2.5 }\n')).text).toBe(
      'p.yaml:12:29 tolerances.dateDaysLate: expected a whole number of days',
    );
    const instant = minimalProfile('p').replace(
      "functional: '997'",
      "functional: '997'\n  functionalSlaHours: 0",
    );
    expect(onlyProblem(instant).text).toBe(
      'p.yaml:12:23 acknowledgments.functionalSlaHours: expected a positive number of hours',
    );
  });

  it('a YAML syntax error, at the character', () => {
    const problem = onlyProblem('id: p\nname: [unclosed\nstatus: test\n');
    expect(problem.path).toBe('');
    expect(problem.line).toBeGreaterThanOrEqual(2);
    expect(problem.text).toMatch(/^p\.yaml:\d+:\d+: /);
  });

  it('a key written twice', () => {
    expect(onlyProblem(minimalProfile('p') + 'status: live\n').text).toBe(
      'p.yaml:12:1: Map keys must be unique',
    );
  });

  it('an empty file, and a .yml file that would be ignored', () => {
    expect(onlyProblem('').text).toBe('p.yaml:1:1: the file is empty; expected a partner profile');
    expect(onlyProblem(minimalProfile('p'), 'p.yml').text).toBe(
      'p.yml: partner profiles must end in .yaml; this file is ignored',
    );
  });

  it('an id that is not the file name', () => {
    expect(onlyProblem(minimalProfile('acme'), 'acme-fasteners.yaml').text).toBe(
      'acme-fasteners.yaml:1:5 id: "acme" does not match the file name; expected id: acme-fasteners (or rename the file)',
    );
    expect(onlyProblem(minimalProfile('Acme_Co'), 'Acme_Co.yaml').text).toBe(
      "Acme_Co.yaml:1:5 id: expected a partner id in lower-case kebab-case ('acme-fasteners')",
    );
  });

  it('a profile that contradicts itself', () => {
    const withoutIsa = minimalProfile('p').replace(/identities:\n.*\n.*\n/, '');
    expect(onlyProblem(withoutIsa).text).toBe(
      'p.yaml:1:1 identities.x12: documents use X12, so at least one ISA qualifier and id is required',
    );
    expect(onlyProblem(minimalProfile('p').replace("functional: '997'", 'functional: CONTRL')).text).toBe(
      'p.yaml:11:15 acknowledgments.functional: CONTRL is an EDIFACT acknowledgment, but no document uses EDIFACT',
    );
    expect(onlyProblem(minimalProfile('p', 'channels: { as2: { enabled: true } }\n')).text).toBe(
      'p.yaml:5:3 identities.as2: the AS2 channel is enabled, so at least one AS2 id is required',
    );
  });

  it('an X12 encoding it cannot write, or a delimiter Latin-1 has no byte for', () => {
    expect(onlyProblem(minimalProfile('p', 'x12: { encoding: ebcdic }\n')).text).toBe(
      'p.yaml:12:18 x12.encoding: expected encoding: utf8 or latin1',
    );
    const ellipsis = minimalProfile(
      'p',
      "x12: { encoding: latin1 }\ndocuments:\n  outbound:\n    - { standard: x12, version: '004010', type: '850', format: { segmentTerminator: '\u2026' } }\n",
    ).replace(/documents:\n {2}inbound:\n.*\n/, '');
    expect(onlyProblem(ellipsis).text).toBe(
      'p.yaml:12:85 documents.outbound[0].format.segmentTerminator: "\u2026" (U+2026) has no byte in ISO 8859-1, and x12.encoding is latin1',
    );
    const dir = partnersDir({ 'l.yaml': minimalProfile('l', 'x12: { encoding: latin1 }\n') });
    expect(loadPartnerProfiles(dir).profiles[0]!.x12).toEqual({ encoding: 'latin1' });
  });

  it('an ambiguous cross-reference', () => {
    const parts = `crossReferences:
  parts:
    - { ours: '100-1', theirs: A }
    - { ours: '100-2', theirs: A }
`;
    expect(onlyProblem(minimalProfile('p', parts)).text).toBe(
      'p.yaml:15:32 crossReferences.parts[1].theirs: "A" is mapped twice (also crossReferences.parts[0])',
    );
    expect(onlyProblem(minimalProfile('p', 'crossReferences:\n  units: { EA: C62, ea: H87 }\n')).text).toBe(
      'p.yaml:13:25 crossReferences.units.ea: "ea" is the same unit as "EA" (codes are upper-cased)',
    );
  });

  it('lists every problem of every file in one pass, sorted by file and line', () => {
    const dir = partnersDir({
      'b.yaml': minimalProfile('b').replace('status: test', 'status: maybe').replace("'855'", "'85'"),
      'a.yaml': minimalProfile('a').replace('name: a Ltd\n', ''),
      'ok.yaml': minimalProfile('ok'),
    });
    const { problems, profiles } = loadPartnerProfiles(dir);
    expect(profiles.map((p) => p.id)).toEqual(['ok']);
    expect(problems.map((p) => `${p.file.slice(dir.length + 1)}:${p.line} ${p.path}`)).toEqual([
      'a.yaml:1 name',
      'b.yaml:3 status',
      'b.yaml:9 documents.inbound[0].type',
    ]);
  });

  it('a directory that does not exist', () => {
    const missing = join(tmpdir(), 'sg-no-such-partners-dir');
    expect(loadPartnerProfiles(missing).problems.map(formatProblem)).toEqual([
      `${missing}: partner directory not found (PARTNERS_DIR)`,
    ]);
  });
});

describe('identities are unique across partners', () => {
  const claims = (id: string, identities: string) => `id: ${id}
name: ${id}
status: test
identities:
${identities}
acknowledgments: { functional: none }
`;

  it('names both files, with line and path, for every kind of identity', () => {
    const dir = partnersDir({
      'first.yaml': claims(
        'first',
        "  x12: [{ qualifier: ZZ, id: SHARED }]\n  gs: [SHAREDGS]\n  edifact: [{ id: '5790000000001', qualifier: '14' }]\n  as2: [shared-as2]",
      ),
      'second.yaml': claims(
        'second',
        "  x12: [{ qualifier: zz, id: ' shared ' }]\n  gs: [sharedgs]\n  edifact: [{ id: '5790000000001', qualifier: '14' }]\n  as2: [shared-as2]",
      ),
    });
    const { problems } = loadPartnerProfiles(dir);
    const first = join(dir, 'first.yaml');
    expect(problems.map((p) => formatProblem(p).slice(dir.length + 1))).toEqual([
      `second.yaml:5:9 identities.x12[0]: ISA ZZ/SHARED is also claimed by ${first}:5:9 identities.x12[0] (partner first); an identity must belong to one partner`,
      `second.yaml:6:8 identities.gs[0]: GS SHAREDGS is also claimed by ${first}:6:8 identities.gs[0] (partner first); an identity must belong to one partner`,
      `second.yaml:7:13 identities.edifact[0]: UNB 5790000000001:14 is also claimed by ${first}:7:13 identities.edifact[0] (partner first); an identity must belong to one partner`,
      `second.yaml:8:9 identities.as2[0]: AS2 shared-as2 is also claimed by ${first}:8:9 identities.as2[0] (partner first); an identity must belong to one partner`,
    ]);
  });

  it('allows one id under different ISA or UNB qualifiers, and AS2 ids that differ in case', () => {
    const dir = partnersDir({
      'first.yaml': claims(
        'first',
        "  x12: [{ qualifier: ZZ, id: '123456789' }]\n  edifact: [{ id: '123', qualifier: '14' }]\n  as2: [acme]",
      ),
      'second.yaml': claims(
        'second',
        "  x12: [{ qualifier: '01', id: '123456789' }]\n  edifact: [{ id: '123', qualifier: ZZZ }]\n  as2: [ACME]",
      ),
    });
    expect(loadPartnerProfiles(dir).problems.map(formatProblem)).toEqual([]);
  });

  it('a UNB id without qualifier clashes with the same id under any qualifier', () => {
    const dir = partnersDir({
      'first.yaml': claims('first', "  edifact: [{ id: '123', qualifier: '14' }]"),
      'second.yaml': claims('second', "  edifact: [{ id: '123' }]"),
    });
    expect(loadPartnerProfiles(dir).problems.map((p) => p.message)).toEqual([
      `UNB 123 is also claimed by ${join(dir, 'first.yaml')}:5:13 identities.edifact[0] (UNB 123:14, partner first); an identity must belong to one partner`,
    ]);
  });

  it('within one file', () => {
    const dir = partnersDir({ 'one.yaml': claims('one', '  gs: [ONEGS, onegs]') });
    expect(loadPartnerProfiles(dir).problems.map((p) => formatProblem(p).slice(dir.length + 1))).toEqual([
      'one.yaml:5:15 identities.gs[1]: GS ONEGS is listed twice (also identities.gs[0])',
    ]);
  });
});
