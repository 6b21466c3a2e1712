import { HttpAnswer, request } from './support/http';
import { scheduleUrl } from './support/schedule-api';
import { startTestApp, TestApp } from './support/test-app';
import { AS_ADMIN } from './support/tokens';

const DEEP = '{"dates":["2026-12-04"],"x":' + '['.repeat(5_000) + ']'.repeat(5_000) + '}';

/** Every refusal, whoever makes it (Fastify, a Nest pipe or guard, a route), has one body. */
describe('Error answers', () => {
  let stack: TestApp;

  beforeAll(async () => {
    stack = await startTestApp({ UPSTREAM_BASE_URL: 'http://127.0.0.1:9' });
  });

  afterAll(() => stack.close());

  const send = (path: string, contentType: string, body: string, method = 'POST') =>
    request(stack.url + path, {
      ...AS_ADMIN,
      method,
      headers: { 'content-type': contentType },
      body,
    });

  it.each<[string, number, () => Promise<HttpAnswer>]>([
    ['an unknown route', 404, () => request(`${stack.url}/api/nowhere`, AS_ADMIN)],
    ['malformed JSON', 400, () => send('/api/admin/pregen', 'application/json', '{"dates":')],
    [
      'a body over 16 KB',
      413,
      () => send('/api/admin/pregen', 'application/json', `{"p":"${'x'.repeat(17_000)}"}`),
    ],
    ['a text/plain body', 415, () => send('/api/admin/pregen', 'text/plain', '2026-12-04')],
    [
      'a form body',
      415,
      () => send('/api/admin/pregen', 'application/x-www-form-urlencoded', 'dates=2026-12-04'),
    ],
    ['a body nested 5,000 levels', 400, () => send('/api/admin/pregen', 'application/json', DEEP)],
    [
      'a toggles body nested 5,000 levels',
      400,
      () => send('/api/admin/companies/10/feature-toggles', 'application/json', DEEP, 'PUT'),
    ],
    ['an invalid DTO', 400, () => send('/api/admin/pregen', 'application/json', '{"dates":"x"}')],
    [
      'a bad schedule query',
      400,
      () => request(scheduleUrl(stack.url, { date: '2026-13-01' }), AS_ADMIN),
    ],
    ['no credentials', 401, () => request(`${stack.url}/api/admin/jobs`)],
  ])('should answer %s with %i and a body of only a message', async (_what, status, send) => {
    const answer = await send();

    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.json()).toEqual({ message: expect.any(String) as unknown });
  });
});
