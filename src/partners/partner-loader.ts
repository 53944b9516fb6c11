import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { findIdentityConflicts } from './partner-identities.js';
import { partnerProfileSchema, type PartnerProfile } from './partner-profile.schema.js';

/** One thing wrong with a profile, located so an operator can go straight to it. */
export interface PartnerProblem {
  /** The file as reached from the directory given, e.g. `partners/acme-fasteners.yaml`. */
  readonly file: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
  /** Dotted path inside the profile, e.g. `identities.x12[0].qualifier`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

export interface LoadedPartners {
  /** Profiles that are valid on their own, sorted by id. Use them only when `problems` is empty. */
  readonly profiles: PartnerProfile[];
  /** Every problem in every file, sorted by file and line. */
  readonly problems: PartnerProblem[];
  /** The file each profile came from, by partner id. */
  readonly files: ReadonlyMap<string, string>;
}

/** `partners/acme.yaml:12:5 identities.x12[0].qualifier: expected …` */
export function formatProblem(problem: PartnerProblem): string {
  const at =
    problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
  return problem.path ? `${at} ${problem.path}: ${problem.message}` : `${at}: ${problem.message}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

interface ParsedFile {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

/**
 * Reads every `*.yaml` profile in a directory and validates each against the schema, then all of
 * them together (identities unique across partners). Never throws for bad content: every problem is
 * returned, so that an operator fixes them all in one pass.
 */
export function loadPartnerProfiles(dir: string): LoadedPartners {
  const problems: PartnerProblem[] = [];
  const profiles: PartnerProfile[] = [];
  const parsed = new Map<string, ParsedFile>();

  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return {
      profiles,
      problems: [{ file: dir, path: '', message: 'partner directory not found (PARTNERS_DIR)' }],
      files: new Map(),
    };
  }

  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();

  for (const name of names) {
    const file = join(dir, name);
    if (name.endsWith('.yml')) {
      // A profile that is silently skipped is a partner whose documents are rejected in production.
      problems.push({ file, path: '', message: 'partner profiles must end in .yaml; this file is ignored' });
      continue;
    }
    if (!name.endsWith('.yaml')) continue;

    const lines = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), {
      lineCounter: lines,
      keepSourceTokens: true,
      prettyErrors: false,
    });
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const pos = lines.linePos(error.pos[0]);
        problems.push({ file, line: pos.line, column: pos.col, path: '', message: error.message });
      }
      continue;
    }
    if (doc.contents === null) {
      problems.push({
        file,
        line: 1,
        column: 1,
        path: '',
        message: 'the file is empty; expected a partner profile',
      });
      continue;
    }
    keepLeadingZeros(doc);

    const source: ParsedFile = { file, doc, lines };
    const raw: unknown = doc.toJS();
    const expectedId = basename(name, '.yaml');
    const rawId = isRecord(raw) && typeof raw.id === 'string' ? raw.id.trim() : undefined;
    if (rawId !== undefined && rawId !== expectedId) {
      problems.push(
        at(
          source,
          ['id'],
          `"${rawId}" does not match the file name; expected id: ${expectedId} (or rename the file)`,
        ),
      );
    }

    const result = partnerProfileSchema.safeParse(raw);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(...fromIssue(source, raw, issue));
      continue;
    }
    if (result.data.id !== expectedId) continue;
    profiles.push(result.data);
    parsed.set(result.data.id, source);
  }

  for (const { first, second } of findIdentityConflicts(profiles)) {
    const a = parsed.get(first.partnerId)!;
    const b = parsed.get(second.partnerId)!;
    const where = formatPath(first.path);
    const firstAt = at(a, first.path, '');
    const also = first.label === second.label ? '' : `${first.label}, `;
    const message =
      first.partnerId === second.partnerId
        ? `${second.label} is listed twice (also ${where})`
        : `${second.label} is also claimed by ${a.file}:${firstAt.line}:${firstAt.column} ${where} ` +
          `(${also}partner ${first.partnerId}); an identity must belong to one partner`;
    problems.push(at(b, second.path, message));
  }

  profiles.sort((x, y) => x.id.localeCompare(y.id));
  problems.sort((x, y) => x.file.localeCompare(y.file) || (x.line ?? 0) - (y.line ?? 0));
  return {
    profiles,
    problems,
    files: new Map([...parsed].map(([id, source]) => [id, source.file])),
  };
}

/**
 * YAML reads `version: 004010` or `qualifier: 01` as the numbers 4010 and 1. A plain scalar written
 * with a leading zero is an identifier in a partner profile, never a quantity, so it keeps its text.
 */
function keepLeadingZeros(doc: Document.Parsed): void {
  visit(doc, {
    Scalar(_key, node) {
      const source = node.srcToken && 'source' in node.srcToken ? node.srcToken.source : undefined;
      if (typeof node.value === 'number' && node.type === 'PLAIN' && source && /^[-+]?0\d/.test(source)) {
        node.value = source;
      }
    },
  });
}

function fromIssue(source: ParsedFile, raw: unknown, issue: z.core.$ZodIssue): PartnerProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) =>
      at(
        source,
        [...issue.path, key],
        'unknown field; check its spelling and place (docs/partners.md)',
        true,
      ),
    );
  }
  const missing =
    ['invalid_type', 'invalid_value', 'invalid_union'].includes(issue.code) &&
    valueAt(raw, issue.path) === undefined;
  return [at(source, issue.path, missing ? `is missing (${issue.message})` : issue.message)];
}

/**
 * A problem at the node a path names, or at its nearest ancestor present in the file. With `atKey`,
 * at the key itself (an unknown field is found by its name, not its value).
 */
function at(
  source: ParsedFile,
  path: readonly PropertyKey[],
  message: string,
  atKey = false,
): PartnerProblem {
  const keys = path.map((k) => (typeof k === 'number' ? k : String(k)));
  let offset = 0;
  const parent = atKey ? nodeAt(source, keys.slice(0, -1)) : undefined;
  const pair = isMap(parent)
    ? parent.items.find((p) => isScalar(p.key) && String(p.key.value) === keys.at(-1))
    : undefined;
  if (pair && isScalar(pair.key) && pair.key.range) {
    offset = pair.key.range[0];
  } else {
    for (let depth = keys.length; depth >= 0; depth--) {
      const range = (nodeAt(source, keys.slice(0, depth)) as { range?: [number, number, number] } | undefined)
        ?.range;
      if (range) {
        offset = range[0];
        break;
      }
    }
  }
  const pos = source.lines.linePos(offset);
  return { file: source.file, line: pos.line, column: pos.col, path: formatPath(path), message };
}

function nodeAt(source: ParsedFile, keys: readonly (string | number)[]): unknown {
  return keys.length === 0 ? source.doc.contents : source.doc.getIn(keys, true);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
