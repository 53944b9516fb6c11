import { CliFailure, EXIT } from './cli-context.js';

/**
 * A password for a command, never from its arguments (they show in `ps` and shell history): typed at
 * a terminal, hidden and asked twice, or read from standard input when that is a pipe or a file
 * (its first line, without the line break).
 */
export async function readPassword(input: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (!input.isTTY) {
    let text = '';
    input.setEncoding('utf8');
    for await (const chunk of input) text += chunk as string;
    const [first = ''] = text.split(/\r?\n/, 1);
    if (first === '') throw new CliFailure('no password on standard input', EXIT.usage);
    return first;
  }
  const password = await promptHidden(input, 'New password: ');
  if ((await promptHidden(input, 'Repeat it: ')) !== password)
    throw new CliFailure('the two passwords differ; nothing was changed', EXIT.findings);
  return password;
}

function promptHidden(input: NodeJS.ReadStream, question: string): Promise<string> {
  process.stderr.write(question);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const done = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          done();
          resolve(value);
          return;
        }
        // Ctrl-C, Ctrl-D: raw mode delivers them as characters.
        if (ch === '\u0003' || ch === '\u0004') {
          done();
          reject(new CliFailure('cancelled', EXIT.usage));
          return;
        }
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    };
    input.on('data', onData);
  });
}
