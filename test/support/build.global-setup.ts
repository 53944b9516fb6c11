import { execFileSync } from 'node:child_process';

/**
 * End-to-end and crash tests run the gateway as a new user would, from the compiled build, so the
 * build is made once before them.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
}
