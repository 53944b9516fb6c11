import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './process.js';

/** A key pair made by ssh-keygen: the private key file, its public line and its SHA256 fingerprint. */
export interface SshKey {
  readonly privateKeyFile: string;
  readonly publicKey: string;
  readonly fingerprint: string;
}

export function sshKeygen(dir: string, name: string): SshKey {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  const fingerprint = /SHA256:[A-Za-z0-9+/]+/.exec(
    execFileSync('ssh-keygen', ['-lf', `${file}.pub`]).toString(),
  )![0];
  return { privateKeyFile: file, publicKey: readFileSync(`${file}.pub`, 'utf8').trim(), fingerprint };
}

export interface Sshd {
  readonly port: number;
  readonly dir: string;
  readonly hostKey: SshKey;
  /** The key the tests log in with (root, through AuthorizedKeysFile). */
  readonly clientKey: SshKey;
  readonly log: () => string;
  /** Process ids of the per-connection sshd children (to cut a session). */
  readonly sessions: () => number[];
  stop(): Promise<void>;
}

/**
 * A real OpenSSH server on a loopback port with its own configuration, host key and authorized key,
 * logging at DEBUG1 to stderr (so a test can tell whether a client ever tried to authenticate).
 * `deniedSftpRequests` (sftp-server -P, e.g. `rename`) makes a server that refuses those requests
 * with SSH_FX_PERMISSION_DENIED, as a locked-down partner server does.
 */
export async function startSshd(options: { deniedSftpRequests?: readonly string[] } = {}): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'sg-sshd-'));
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = sshKeygen(dir, 'host_ed25519');
  const clientKey = sshKeygen(dir, 'client_ed25519');
  writeFileSync(join(dir, 'authorized_keys'), `${clientKey.publicKey}\n`, { mode: 0o600 });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey.privateKeyFile}`,
      'PidFile none',
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'AllowUsers root',
      `Subsystem sftp internal-sftp${options.deniedSftpRequests ? ` -P ${options.deniedSftpRequests.join(',')}` : ''}`,
      'LogLevel DEBUG1',
      'MaxStartups 100',
      '',
    ].join('\n'),
  );
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await waitFor(
    () => log.includes('Server listening'),
    10_000,
    () => `sshd did not start:\n${log}`,
  );
  return {
    port,
    dir,
    hostKey,
    clientKey,
    log: () => log,
    sessions: () => childrenOf(child.pid!),
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

export interface SftpRun {
  readonly code: number | null;
  readonly output: string;
}

export interface SftpClientOptions {
  readonly port: number;
  readonly user: string;
  readonly identityFile: string;
  /** `host key line` of the server, pinned through a known_hosts file. */
  readonly hostPublicKey: string;
  /** Local working directory (for put/get of relative paths). */
  readonly cwd: string;
  /** `sftp -l`: bandwidth limit in Kbit/s. */
  readonly limitKbps?: number;
}

function sftpArgs(options: SftpClientOptions): string[] {
  const knownHosts = join(options.cwd, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${options.port} ${options.hostPublicKey}\n`);
  return [
    '-b',
    '-',
    '-P',
    String(options.port),
    '-i',
    options.identityFile,
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'IdentitiesOnly=yes',
    ...(options.limitKbps ? ['-l', String(options.limitKbps)] : []),
    `${options.user}@127.0.0.1`,
  ];
}

/** Runs an OpenSSH `sftp -b` batch script; resolves with its exit code and output. */
export async function sftpBatch(options: SftpClientOptions, commands: readonly string[]): Promise<SftpRun> {
  const child = spawnSftp(options, commands);
  const [code] = (await once(child.process, 'exit')) as [number | null];
  return { code, output: child.output() };
}

/** Starts an OpenSSH `sftp -b` batch without waiting (to kill it mid-transfer). */
export function spawnSftp(
  options: SftpClientOptions,
  commands: readonly string[],
): { process: ChildProcess; output: () => string } {
  const child = spawn('sftp', sftpArgs(options), { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin!.end(`${commands.join('\n')}\n`);
  return { process: child, output: () => output };
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  message: () => string = () => 'condition not met',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${message()} (after ${timeoutMs} ms)`);
    await sleep(50);
  }
}

/**
 * A TCP proxy in front of a server that can cut a connection after it has carried a number of bytes
 * from the server to the client (a connection dropped mid-download).
 */
export interface CuttingProxy {
  readonly port: number;
  /** Cut the next connection once this many server-to-client bytes passed. */
  cutNextAfter(bytes: number): void;
  /** Cut every connection, now and from now on (the server behind is down for the client). */
  cutAll(): void;
  readonly cuts: () => number;
  close(): Promise<void>;
}

export async function startCuttingProxy(targetPort: number): Promise<CuttingProxy> {
  let cutAfter: number | undefined;
  let cuts = 0;
  let down = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (down) return void client.destroy();
    const limit = cutAfter;
    cutAfter = undefined;
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    sockets.add(client).add(upstream);
    let carried = 0;
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      carried += chunk.length;
      if (limit !== undefined && carried > limit) {
        cuts += 1;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as { port: number }).port,
    cutNextAfter: (bytes) => (cutAfter = bytes),
    cutAll: () => {
      down = true;
      for (const socket of sockets) socket.destroy();
    },
    cuts: () => cuts,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
