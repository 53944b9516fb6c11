import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, isEmbedded, loadConfig } from './config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.lines();
    throw error;
  }
  throw new Error('expected a configuration error');
}

describe('loadConfig', () => {
  it('gives a working single-process embedded configuration with no variables at all', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATA_DIR).toBe('./data');
    expect(config.GATEWAY_ROLE).toBe('all');
    expect(isEmbedded(config)).toBe(true);
  });

  it('names the variable and what is expected in one line', () => {
    expect(problemsOf({ PORT: 'eighty' })).toEqual([
      'configuration error: PORT ="eighty" is invalid: expected a TCP port number',
    ]);
    expect(problemsOf({ GATEWAY_ROLE: 'both' })).toEqual([
      'configuration error: GATEWAY_ROLE ="both" is invalid: expected api, worker or all',
    ]);
  });

  it('never echoes a secret value', () => {
    const [line] = problemsOf({ DATABASE_URL: 'mysql://u:hunter2@db/x' });
    expect(line).toBe(
      'configuration error: DATABASE_URL is invalid: expected a URL starting with postgres:// or postgresql://',
    );
    expect(line).not.toContain('hunter2');
  });

  it('refuses split roles without PostgreSQL and Redis', () => {
    expect(problemsOf({ GATEWAY_ROLE: 'worker', DATABASE_URL: 'postgres://localhost/x' })[0]).toMatch(
      /^configuration error: GATEWAY_ROLE ="worker" needs DATABASE_URL and REDIS_URL/,
    );
    const config = loadConfig({
      GATEWAY_ROLE: 'worker',
      DATABASE_URL: 'postgres://localhost/x',
      REDIS_URL: 'redis://localhost:6379',
    });
    expect(config.GATEWAY_ROLE).toBe('worker');
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: ' ' }).PORT).toBe(3000);
  });

  it('masks passwords when describing the configuration', () => {
    const rows = describeConfig(loadConfig({ DATABASE_URL: 'postgres://gw:s3cret@db:5432/gw' }));
    const row = rows.find((r) => r.name === 'DATABASE_URL');
    expect(row?.value).toBe('postgres://gw:***@db:5432/gw');
  });

  it('masks the path of a web hook URL, where chat tools keep the token', () => {
    const rows = describeConfig(
      loadConfig({
        NOTIFY_WEBHOOK_URL: 'https://hooks.example.com/services/T000/B000/XXXXSECRET',
        NOTIFY_WEBHOOK_SECRET_FILE: '/run/secrets/hook',
      }),
    );
    expect(rows.find((r) => r.name === 'NOTIFY_WEBHOOK_URL')?.value).toBe('https://hooks.example.com/***');
  });
});

describe('the README configuration table', () => {
  it('is the one the schema renders', async () => {
    const { readFileSync } = await import('node:fs');
    const { renderConfigTable } = await import('./config.js');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(renderConfigTable());
  });
});
