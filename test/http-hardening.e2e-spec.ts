import { IncomingHttpHeaders } from 'node:http';
import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { request } from './support/http';
import { scheduleUrl, SCHEDULE_PATH } from './support/schedule-api';
import { startTestApp, TestApp } from './support/test-app';
import { AS_ADMIN } from './support/tokens';

const PORTAL = 'https://portal.example.com';
/** The answer to a body the JSON parser refuses. */
const NOT_JSON = {
  message: "Body is not valid JSON but content-type is set to 'application/json'",
};

/** A schedule request without a token: refused with 401 before any work. */
const unauthorized = (url: string) => scheduleUrl(url, { date: '2025-12-03', companyId: 'x' });
const csp = (headers: IncomingHttpHeaders) => headers['content-security-policy'] ?? '';

describe('HTTP hardening', () => {
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

    const answer = await request(unauthorized(url));

    expect(answer.status).toBe(401);
    expect(csp(answer.headers)).toBe("default-src 'none';frame-ancestors 'none'");
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(answer.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.each([
    ['/docs', {}],
    ['/admin/queues', AS_ADMIN],
  ])(
    'should serve %s and every script it loads under a CSP that allows them',
    async (path, caller) => {
      const { url } = await start();

      const page = await request(url + path, caller);
      const html = page.text();

      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
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
        const asset = await request(new URL(src, new URL(base, url)), caller);
        expect([src, asset.status]).toEqual([src, 200]);
      }
    },
  );

  it('should allow no cross-origin browser calls unless CORS_ORIGINS is set', async () => {
    const { url } = await start();

    const answer = await request(unauthorized(url), { headers: { origin: PORTAL } });

    expect(answer.status).toBe(401);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('should allow exactly the origins of CORS_ORIGINS', async () => {
    const { url } = await start({ CORS_ORIGINS: `${PORTAL},http://localhost:8080` });
    const preflight = (origin: string) =>
      request(url + SCHEDULE_PATH, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });

    const allowed = await preflight(PORTAL);
    const refused = await preflight('https://evil.example.com');
    const get = await request(unauthorized(url), { headers: { origin: PORTAL } });

    expect(allowed.headers['access-control-allow-origin']).toBe(PORTAL);
    expect(allowed.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(get.headers['access-control-allow-origin']).toBe(PORTAL);
    expect(get.headers['access-control-expose-headers']).toMatch(/X-Cache/);
    expect(get.headers.vary).toMatch(/Origin/);
  });

  it('should vary a schedule answer on Origin as well as its own headers when CORS is on', async () => {
    const { url } = await start({ CORS_ORIGINS: PORTAL });
    const date = new Date().toISOString().slice(0, 10);

    const answer = await request(scheduleUrl(url, { date, companyId: sim.companyIds()[0] }), {
      ...AS_ADMIN,
      headers: { origin: PORTAL },
    });

    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe(PORTAL);
    expect(answer.headers.vary).toBe('Origin, Accept-Encoding, Authorization');
  });

  it.each([
    [
      'a body over 64 KB',
      JSON.stringify({ dates: ['2025-12-03'], pad: 'x'.repeat(70_000) }),
      413,
      { message: 'Request body is too large' },
    ],
    ['malformed JSON', '{"dates":["2025-12-03"', 400, NOT_JSON],
    ['a JSON prototype-poisoning body', '{"__proto__":{"dates":["2025-12-03"]}}', 400, NOT_JSON],
  ])(
    'should answer %s with its status and a JSON message',
    async (_what, body, status, expected) => {
      const { url } = await start();

      const answer = await request(`${url}/api/admin/pregen`, {
        ...AS_ADMIN,
        method: 'POST',
        body,
      });

      expect(answer.status).toBe(status);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(answer.json()).toEqual(expected);
    },
  );

  it('should answer a 100 KB query string with a 431 in the one error shape', async () => {
    const { url } = await start();

    const answer = await request(`${unauthorized(url)}${'1'.repeat(100_000)}`);

    expect(answer.status).toBe(431);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.json()).toEqual({ message: 'Request headers are too large' });
  });

  it.each([
    ['1', [401, 401, 429, 401]],
    ['false', [401, 401, 429, 429]],
  ])(
    'should count clients by X-Forwarded-For only as TRUST_PROXY=%s says',
    async (trustProxy, expected) => {
      const { url } = await start({ TRUST_PROXY: trustProxy, RATE_LIMIT_PER_MINUTE: '2' });
      const from = (ip: string) =>
        request(unauthorized(url), { headers: { 'x-forwarded-for': ip } });

      const statuses = [];
      for (const ip of ['203.0.113.1', '203.0.113.1', '203.0.113.1', '203.0.113.2']) {
        statuses.push((await from(ip)).status);
      }

      expect(statuses).toEqual(expected);
    },
  );
});
