import { createReadStream } from 'node:fs';
import { open, readFile as readWholeFile } from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { detectEdiStandard, EDI_SNIFF_BYTES } from '../edi/core/detect.js';
import { readEdifactWithDirectories } from '../edi/edifact/directories/index.js';
import { EdifactMapRegistry } from '../translation/edifact-map-registry.js';
import {
  buildContrl,
  readEdifactStream,
  type ContrlReferenceKind,
  type EdifactInterchangeResult,
  type EdifactMessageResult,
  type EdifactValidationResult,
} from '../edi/edifact/index.js';
import {
  buildX12Acknowledgment,
  x12ReadOptions,
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

/** X12 says "accepted with errors", EDIFACT "partially accepted" (it has no accepted-with-errors): both exit 1. */
type Outcome = 'accepted' | 'accepted-with-errors' | 'partially-accepted' | 'rejected';

const OUTCOME_EXIT: Record<Outcome, number> = {
  accepted: EDI_EXIT.accepted,
  'accepted-with-errors': EDI_EXIT.noted,
  'partially-accepted': EDI_EXIT.noted,
  rejected: EDI_EXIT.rejected,
};

type Read =
  | { readonly standard: 'x12'; readonly result: X12ValidationResult }
  | { readonly standard: 'edifact'; readonly result: EdifactValidationResult };

/** `gateway edi inspect|ack FILE`: reads a file only; no database, no configuration. */
export function registerEdiCommands(program: Command): void {
  const edi = program
    .command('edi')
    .description('read an EDI file offline: envelopes, errors, the acknowledgment it would get')
    .exitOverride(usageFailure);

  edi
    .command('inspect')
    .description('print the envelope tree, transaction sets and every finding as JSON')
    .argument('<file>', 'X12 or EDIFACT file (detected from its first segment)')
    .option('--directories', 'EDIFACT: also check messages against their directory, as the intake does')
    .action(async (file: string, options: { directories?: boolean }) => {
      const read = await readFile(file, options.directories === true);
      if (read.standard === 'edifact') {
        const outcome = edifactOutcome(read.result);
        print({ file, standard: 'edifact', outcome, ...describeEdifact(read.result) });
        finishEdifact(outcome, read.result);
        return;
      }
      const result = read.result;
      const outcome = outcomeOf(result);
      print({ file, standard: 'x12', outcome, ...describe(result) });
      finish(outcome, result);
    });

  edi
    .command('ack')
    .description('print the acknowledgment(s) the gateway would send (TA1, 997/999 or CONTRL) as EDI')
    .argument('<file>', 'X12 or EDIFACT file (detected from its first segment)')
    .addOption(
      new Option('--type <type>', 'functional acknowledgment').choices(['997', '999']).default('997'),
    )
    .option(
      '--control-number <n>',
      'first control number of the acknowledgment (ISA13, GS06, ST02 / UNB 0020, UNH 0062 count up from it)',
      parseControlNumber,
      1,
    )
    .option('--directories', 'EDIFACT: also check messages against their directory, as the intake does')
    .action(
      async (
        file: string,
        options: { type: '997' | '999'; controlNumber: number; directories?: boolean },
      ) => {
        const read = await readFile(file, options.directories === true);
        if (read.standard === 'edifact') {
          ackEdifact(read.result, options.controlNumber);
          return;
        }
        const result = read.result;
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
      },
    );
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

async function readFile(file: string, directories = false): Promise<Read> {
  try {
    // The channels' first look (EDI_SNIFF_BYTES), so a file is recognised here as it is when received.
    const head = Buffer.alloc(EDI_SNIFF_BYTES);
    const handle = await open(file, 'r');
    let bytes: number;
    try {
      ({ bytesRead: bytes } = await handle.read(head, 0, head.length, 0));
    } finally {
      await handle.close();
    }
    // Only a file that starts like EDIFACT is read as EDIFACT; anything else keeps the X12 reader's answer.
    if (detectEdiStandard(head.subarray(0, bytes)).standard === 'edifact') {
      // --directories: the message directories too (their findings in the tree and the CONTRL), and
      // the intake's rule for messages it cannot read (UCM 4 / 14), so `ack` prints what it would send.
      if (directories) {
        const maps = new EdifactMapRegistry();
        return {
          standard: 'edifact',
          result: readEdifactWithDirectories(
            await readWholeFile(file),
            {},
            {
              isMessageSupported: (message) => maps.supportsMessage(message),
            },
          ),
        };
      }
      return { standard: 'edifact', result: await readEdifactStream(createReadStream(file)) };
    }
    return {
      standard: 'x12',
      result: await readX12Stream(createReadStream(file), {}, x12ReadOptions()),
    };
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

// ---- EDIFACT ------------------------------------------------------------------------------------

function ackEdifact(result: EdifactValidationResult, first: number): void {
  const next: Record<ContrlReferenceKind, number> = { interchange: first, message: first };
  const now = new Date();
  for (const ic of result.interchanges) {
    const contrl = buildContrl(ic, { nextReference: (kind) => next[kind]++, now, lineBreak: '\n' });
    if (contrl.kind === 'contrl') print(contrl.text);
    else note(`interchange ${ic.header.reference}: no CONTRL (${contrl.reason})`);
  }
  // Without a UNB there is nobody to address a CONTRL to (ISO 9735-6 answers an interchange).
  for (const m of result.looseMessages) note(`message ${m.reference} has no UNB: it cannot be acknowledged`);
  for (const issue of result.streamIssues.filter(
    (i) => i.severity === 'error' && i.kind !== 'interchange-header-missing',
  )) {
    note(`cannot be acknowledged: ${issue.message} (0085 ${issue.code ?? '-'}, byte ${issue.offset})`);
  }
  finishEdifact(edifactOutcome(result), result);
}

/**
 * The file's verdict: each interchange is a unit with its own status; a message without UNB and every
 * stream-level error is a rejected unit. All accepted → accepted; all rejected → rejected; else partial.
 */
function edifactOutcome(result: EdifactValidationResult): Outcome {
  const units: string[] = result.interchanges.map((ic) => ic.status);
  for (const _ of result.looseMessages) units.push('rejected');
  for (const i of result.streamIssues) {
    if (i.severity === 'error' && i.kind !== 'interchange-header-missing') units.push('rejected');
  }
  if (units.length === 0 || units.every((s) => s === 'rejected')) return 'rejected';
  if (units.every((s) => s === 'accepted')) return 'accepted';
  return 'partially-accepted';
}

function finishEdifact(outcome: Outcome, result: EdifactValidationResult): void {
  if (outcome === 'accepted') return;
  const messages = [...result.interchanges.flatMap(allMessages), ...result.looseMessages];
  const rejected = messages.filter((m) => m.status === 'rejected').length;
  const errors = result.issues.filter((i) => i.severity === 'error').length + result.suppressedIssues;
  throw new CliFailure(
    `${outcome}: ${errors} error${errors === 1 ? '' : 's'}, ${rejected} of ${messages.length} message(s) rejected`,
    OUTCOME_EXIT[outcome],
  );
}

function allMessages(ic: EdifactInterchangeResult): EdifactMessageResult[] {
  return ic.groups.length > 0 ? ic.groups.flatMap((g) => g.messages) : ic.messages;
}

function describeEdifact(result: EdifactValidationResult) {
  const message = (m: EdifactMessageResult) => ({
    reference: m.reference,
    type: [m.type, m.version, m.release, m.agency, m.associationCode].join(':').replace(/:+$/, ''),
    status: m.status,
    offset: m.offset,
    segmentCount: m.segmentCount,
    trailer: m.trailer ?? null,
    issues: m.issues,
    segmentIssues: m.segmentIssues,
  });
  return {
    bytes: result.bytes,
    segments: result.segments,
    interchanges: result.interchanges.map((ic) => ({
      reference: ic.header.reference,
      status: ic.status,
      offset: ic.offset,
      syntax: { id: ic.header.syntaxId, version: ic.header.syntaxVersion },
      sender: ic.header.sender,
      recipient: ic.header.recipient,
      date: ic.header.date,
      time: ic.header.time,
      ackRequested: ic.header.ackRequest === '1' || ic.header.ackRequest === '2',
      test: ic.header.testIndicator === '1',
      delimiters: ic.delimiters,
      contrlCount: ic.contrlCount,
      trailer: ic.trailer ?? null,
      issues: ic.issues,
      groups: ic.groups.map((g) => ({
        reference: g.reference,
        groupId: g.groupId,
        status: g.status,
        offset: g.offset,
        trailer: g.trailer ?? null,
        issues: g.issues,
        messages: g.messages.map(message),
      })),
      messages: ic.messages.map(message),
    })),
    looseMessages: result.looseMessages.map(message),
    streamIssues: result.streamIssues,
    suppressedIssues: result.suppressedIssues,
  };
}
