import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient, startPortalWorld, type PortalWorld } from './portal-support.js';

/**
 * Behind a reverse proxy every connection comes from the proxy: with TRUST_PROXY naming it, the
 * per-address limits count the client the proxy reports (X-Forwarded-For), and only what the trusted
 * hops added counts, so a client cannot choose its address by writing the header itself.
 */
describe('per-address limits behind a trusted reverse proxy', () => {
  let world: PortalWorld;

  beforeAll(async () => {
    // The test process plays the proxy, on loopback.
    world = await startPortalWorld('trust_proxy', {
      TRUST_PROXY: 'loopback',
      PORTAL_THROTTLE_PER_EMAIL: '0',
      PORTAL_THROTTLE_PER_IP: '3',
    });
  });
  afterAll(async () => {
    await world?.stop();
  });

  /** A sign-in attempt the proxy forwards with this X-Forwarded-For. */
  const attempt = (forwardedFor: string, n: number) => {
    const client = new FormClient(world.gateway.url);
    client.agent.set('x-forwarded-for', forwardedFor);
    return client.login(`nobody-${n}@alpha.example.com`, 'some guessed password');
  };

  it('counts each forwarded client on its own, and ignores what a client wrote before the proxy', async () => {
    const first = [];
    for (let i = 0; i < 4; i++) first.push((await attempt('203.0.113.7', i)).status);
    expect(first).toEqual([401, 401, 401, 429]);
    // Another client behind the same proxy has its own budget.
    expect((await attempt('203.0.113.8', 10)).status).toBe(401);
    // The first client prepending an address of its choosing is still itself: the proxy appended it.
    expect((await attempt('198.51.100.1, 203.0.113.7', 11)).status).toBe(429);
  });
});
