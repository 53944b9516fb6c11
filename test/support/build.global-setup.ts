import { execFileSync } from 'node:child_process';

/**
 * Integration and end-to-end tests run the gateway as a new user would, from the compiled build, so
 * the build is made once before them. TEST_SKIP_BUILD=1 uses the build already in dist/.
 */
export default function setup(): void {
  if (process.env.TEST_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
}
