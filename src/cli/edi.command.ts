import { createReadStream } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  buildX12Acknowledgment,
  isSupportedX12Set,
  readX12Stream,
  type X12ControlNumberKind,
  type X12InterchangeResult,
  type X12Issue,
  type X12Status,
  type X12ValidationResult,
} from '../edi/x12/index.js';
import { CliFailure, print } from './cli-context.js';

/**
 * Exit codes of `gateway edi`: the verdict on the file, as a partner would get it. They differ from the
 * other commands' (where 2 is a usage error) because scripts branch on accepted / noted / rejected.
 */
export const EDI_EXIT = { accepted: 0, noted: 1, rejected: 2, failure: 3 } as const;

type Outcome = 'accepted' | 'accepted-with-errors' | 'rejected';

const OUTCOME_EXIT: Record<Outcome, number> = {
  accepted: EDI_EXIT.accepted,
  'accepted-with-errors': EDI_EXIT.noted,
  rejected: EDI_EXIT.rejected,
};

/** `gateway edi inspect|ack FILE`: reads a file only; no database, no configuration. */
export function registerEdiCommands(program: Command): void {
  const edi = program
    .command('edi')
    .description('read an EDI file offline: envelopes, errors, the acknowledgment it would get')
    .exitOverride(usageFailure);

  edi
    .command('inspect')
    .description('print the envelope tree, transaction sets and every finding as JSON')
    .argument('<file>', 'X12 file')
    .action(async (file: string) => {
      const result = await readFile(file);
      const outcome = outcomeOf(result);
      print({ file, outcome, ...describe(result) });
      finish(outcome, result);
    });

  edi
    .command('ack')
    .description('print the acknowledgment(s) the gateway would send (TA1 and/or 997/999) as EDI')
    .argument('<file>', 'X12 file')
    .addOption(
      new Option('--type <type>', 'functional acknowledgment').choices(['997', '999']).default('997'),
    )
    .option(
      '--control-number <n>',
      'first control number of the acknowledgment (ISA13, GS06, ST02 count up from it)',
      parseControlNumber,
      1,
    )
    .action(async (file: string, options: { type: '997' | '999'; controlNumber: number }) => {
      const result = await readFile(file);
      const next: Record<X12ControlNumberKind, number> = {
        interchange: options.controlNumber,
        group: options.controlNumber,
        set: options.controlNumber,
      };
      const now = new Date();
      for (const interchange of result.interchanges) {
        const ack = buildX12Acknowledgment(interchange, {
          type: options.type,
          nextControlNumber: (kind) => next[kind]++,
          now,
        });
        if (ack.kind === 'ack') print(ack.text);
        else note(`interchange ${interchange.controlNumber}: no acknowledgment (${ack.reason})`);
      }
      // Junk and unreadable ISAs belong to no interchange, so no TA1 can answer them (X12.5 §3.4).
      for (const issue of result.streamIssues.filter(isError)) {
        note(`cannot be acknowledged: ${issue.message} (TA105 ${issue.code ?? '-'}, byte ${issue.offset})`);
      }
      finish(outcomeOf(result), result);
    });
}

/** Commander's usage errors (unknown option, missing file, bad --type) are the tool failing: 3. */
function usageFailure(error: CommanderError): never {
  // --help and --version end normally; main maps a thrown exit code 0 to 0.
  if (error.exitCode === 0) throw error;
  // Commander has already printed the message; main would map the error to 2, which means "rejected" here.
  process.exit(EDI_EXIT.failure);
}

function parseControlNumber(value: string): number {
  const n = Number(value);
  if (!/^\d{1,9}$/.test(value) || n < 1) {
    throw new InvalidArgumentError('expected an integer from 1 to 999999999');
  }
  return n;
}

async function readFile(file: string): Promise<X12ValidationResult> {
  try {
    return await readX12Stream(createReadStream(file), {}, { isSetSupported: isSupportedX12Set });
  } catch (error) {
    // Only the file system can fail here: the reader turns bad content into findings.
    throw new CliFailure(`cannot read ${file}: ${(error as Error).message}`, EDI_EXIT.failure);
  }
}

/**
 * The file's verdict. Each rejected interchange, each group of an accepted one and each stream-level
 * error (junk, unreadable ISA) is one unit: all accepted → accepted; all rejected (or nothing readable)
 * → rejected; anything in between, or errors noted → accepted with errors.
 */
function outcomeOf(result: X12ValidationResult): Outcome {
  const units: X12Status[] = [];
  for (const ic of result.interchanges) {
    if (ic.status === 'rejected') {
      units.push('rejected');
      continue;
    }
    if (ic.status === 'accepted-with-errors') units.push('accepted-with-errors');
    for (const group of ic.groups) units.push(group.status);
    if (ic.groups.length === 0 && ic.status === 'accepted') units.push('accepted');
  }
  for (const _ of result.streamIssues.filter(isError)) units.push('rejected');
  if (units.length === 0 || units.every((s) => s === 'rejected')) return 'rejected';
  if (units.every((s) => s === 'accepted')) return 'accepted';
  return 'accepted-with-errors';
}

function finish(outcome: Outcome, result: X12ValidationResult): void {
  if (outcome === 'accepted') return;
  const rejected = result.interchanges.filter((ic) => ic.status === 'rejected').length;
  const errors = result.issues.filter(isError).length + result.suppressedIssues;
  throw new CliFailure(
    `${outcome}: ${errors} error${errors === 1 ? '' : 's'}, ${rejected} of ${result.interchanges.length} interchange(s) rejected`,
    OUTCOME_EXIT[outcome],
  );
}

function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

function isError(issue: X12Issue): boolean {
  return issue.severity === 'error';
}

/** The result tree as plain JSON: envelopes, sets and every finding where it belongs. */
function describe(result: X12ValidationResult) {
  return {
    bytes: result.bytes,
    segments: result.segments,
    interchanges: result.interchanges.map(describeInterchange),
    streamIssues: result.streamIssues,
    suppressedIssues: result.suppressedIssues,
  };
}

function describeInterchange(ic: X12InterchangeResult) {
  const h = ic.header;
  return {
    controlNumber: ic.controlNumber,
    status: ic.status,
    offset: ic.offset,
    version: h.version,
    codeVersion: ic.codeVersion,
    sender: { qualifier: h.senderQualifier, id: h.senderId.trim() },
    receiver: { qualifier: h.receiverQualifier, id: h.receiverId.trim() },
    date: h.date,
    time: h.time,
    ackRequested: h.ackRequested === '1',
    usage: h.usage,
    delimiters: ic.delimiters,
    ta1Count: ic.ta1Count,
    trailer: ic.trailer ?? null,
    issues: ic.issues,
    groups: ic.groups.map((g) => ({
      functionalId: g.functionalId,
      controlNumber: g.controlNumber,
      sender: g.senderCode,
      receiver: g.receiverCode,
      date: g.date,
      time: g.time,
      version: g.version,
      codeVersion: g.codeVersion,
      status: g.status,
      offset: g.offset,
      trailer: g.trailer ?? null,
      issues: g.issues,
      sets: g.sets.map((s) => ({
        id: s.id,
        controlNumber: s.controlNumber,
        implementationReference: s.implementationReference ?? null,
        status: s.status,
        offset: s.offset,
        segmentCount: s.segmentCount,
        trailer: s.trailer ?? null,
        issues: s.issues,
        segmentIssues: s.segmentIssues,
      })),
    })),
  };
}
