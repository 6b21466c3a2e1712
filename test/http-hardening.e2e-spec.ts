import { createApp } from '../src/app.factory';
import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { ADMIN_TOKEN, startTestApp, TestApp } from './support/test-app';

const INVALID = '/api/dr-schedule?startDate=2025-12-03&endDate=2025-12-03&serviceCompanyId=x';
const PORTAL = 'https://portal.example.com';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

const csp = (headers: Headers) => headers.get('content-security-policy') ?? '';

describe(createApp.name, () => {
  let sim: UpstreamSim;
  let stack: TestApp | undefined;

  const start = async (env: Record<string, string> = {}) => {
    stack = await startTestApp({ UPSTREAM_BASE_URL: sim.url, ...env });
    return stack;
  };

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 2, latencyMs: { min: 1, max: 2 } });
  });

  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  afterAll(async () => {
    await sim.close();
  });

  it('should send security headers and a locked-down CSP with JSON answers', async () => {
    const { url } = await start();

    const answer = await fetch(url + INVALID);

    expect(answer.status).toBe(401);
    expect(csp(answer.headers)).toBe("default-src 'none';frame-ancestors 'none'");
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(answer.headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each([
    ['/docs', {}],
    ['/admin/queues', admin],
  ])(
    'should serve %s and every script it loads under a CSP that allows them',
    async (path, headers) => {
      const { url } = await start();

      const page = await fetch(url + path, { headers });
      const html = await page.text();

      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const policy = csp(page.headers);
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("style-src 'self' https: 'unsafe-inline'");
      expect(policy).not.toContain('upgrade-insecure-requests');
      // Only external scripts (or inert JSON data blocks): an inline script would be blocked.
      const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)(?![^>]*application\/json)[^>]*>/g)];
      expect(inline).toEqual([]);
      const scripts = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]);
      expect(scripts.length).toBeGreaterThan(0);
      const base = /<base href="([^"]+)"/.exec(html)?.[1] ?? path;
      for (const src of scripts) {
        const asset = await fetch(new URL(src, new URL(base, url)), { headers });
        expect([src, asset.status]).toEqual([src, 200]);
      }
    },
  );

  it('should allow no cross-origin browser calls unless CORS_ORIGINS is set', async () => {
    const { url } = await start();

    const answer = await fetch(url + INVALID, { headers: { origin: PORTAL } });

    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('should allow exactly the origins of CORS_ORIGINS', async () => {
    const { url } = await start({ CORS_ORIGINS: `${PORTAL},http://localhost:8080` });
    const preflight = (origin: string) =>
      fetch(url + '/api/dr-schedule', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });

    const allowed = await preflight(PORTAL);
    const refused = await preflight('https://evil.example.com');
    const get = await fetch(url + INVALID, { headers: { origin: PORTAL } });

    expect(allowed.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(get.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(get.headers.get('access-control-expose-headers')).toMatch(/X-Cache/);
    expect(get.headers.get('vary')).toMatch(/Origin/);
  });

  it('should vary a schedule answer on Origin as well as its own headers when CORS is on', async () => {
    const { url } = await start({ CORS_ORIGINS: PORTAL });
    const date = new Date().toISOString().slice(0, 10);
    const path = `/api/dr-schedule?startDate=${date}&endDate=${date}&serviceCompanyId=${sim.companyIds()[0]}`;

    const answer = await fetch(url + path, { headers: { ...admin, origin: PORTAL } });

    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(answer.headers.get('vary')).toBe('Origin, Accept-Encoding, Authorization');
  });

  it.each([
    ['a body over 64 KB', JSON.stringify({ dates: ['2025-12-03'], pad: 'x'.repeat(70_000) }), 413],
    ['malformed JSON', '{"dates":["2025-12-03"', 400],
    ['a JSON prototype-poisoning body', '{"__proto__":{"dates":["2025-12-03"]}}', 400],
  ])('should answer %s with its status and a JSON message', async (_what, body, status) => {
    const { url } = await start();

    const answer = await fetch(`${url}/api/admin/pregen`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body,
    });

    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await answer.json()).toEqual(expect.objectContaining({ message: expect.any(String) }));
  });

  it('should answer a 100 KB query string with a 431 in the one error shape', async () => {
    const { url } = await start();

    const answer = await fetch(`${url}${INVALID}${'1'.repeat(100_000)}`);

    expect(answer.status).toBe(431);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await answer.json()).toEqual({ message: 'Request headers are too large' });
  });

  it.each([
    ['1', [401, 401, 429, 401]],
    ['false', [401, 401, 429, 429]],
  ])(
    'with TRUST_PROXY=%s should count clients by X-Forwarded-For accordingly',
    async (trustProxy, expected) => {
      const { url } = await start({ TRUST_PROXY: trustProxy, RATE_LIMIT_PER_MINUTE: '2' });
      const from = (ip: string) => fetch(url + INVALID, { headers: { 'x-forwarded-for': ip } });

      const statuses = [];
      for (const ip of ['203.0.113.1', '203.0.113.1', '203.0.113.1', '203.0.113.2']) {
        statuses.push((await from(ip)).status);
      }

      expect(statuses).toEqual(expected);
    },
  );
});
