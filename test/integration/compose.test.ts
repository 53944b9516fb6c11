import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const available = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
if (!available && !process.env.CI) {
  console.warn(
    'compose.test: docker-compose is not installed here, so docker-compose.yml is not validated (CI installs it)',
  );
}

describe.runIf(available || process.env.CI)('docker-compose.yml', () => {
  it('is valid for docker-compose and defines postgres, redis, an api and a worker', () => {
    const result = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const service of ['postgres:', 'redis:', 'api:', 'worker:'])
      expect(result.stdout).toContain(`  ${service}`);
    expect(result.stdout).toMatch(/maxmemory-policy\s*\n?\s*- noeviction/);
    expect(result.stdout).toContain('GATEWAY_ROLE: worker');
  });
});
