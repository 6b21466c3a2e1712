import { startTestApp, TestApp } from './support/test-app';
import { ADMIN_HEADERS } from './support/tokens';

/** Every refusal, whoever makes it (Fastify, a Nest pipe or guard, a route), has one body. */
describe('Error answers', () => {
  let stack: TestApp;

  beforeAll(async () => {
    stack = await startTestApp({ UPSTREAM_BASE_URL: 'http://127.0.0.1:9' });
  });

  afterAll(() => stack.close());

  const send = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(stack.url + path, init);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: await response.json(),
    };
  };
  const post = (path: string, contentType: string, body: string, method = 'POST') =>
    send(path, { method, headers: { ...ADMIN_HEADERS, 'content-type': contentType }, body });
  const deep = '{"dates":["2026-12-04"],"x":' + '['.repeat(5_000) + ']'.repeat(5_000) + '}';

  it.each<[string, number, () => ReturnType<typeof send>]>([
    ['an unknown route', 404, () => send('/api/nowhere', { headers: ADMIN_HEADERS })],
    ['malformed JSON', 400, () => post('/api/admin/pregen', 'application/json', '{"dates":')],
    [
      'a body over 16 KB',
      413,
      () => post('/api/admin/pregen', 'application/json', `{"p":"${'x'.repeat(17_000)}"}`),
    ],
    ['a text/plain body', 415, () => post('/api/admin/pregen', 'text/plain', '2026-12-04')],
    [
      'a form body',
      415,
      () => post('/api/admin/pregen', 'application/x-www-form-urlencoded', 'dates=2026-12-04'),
    ],
    ['a body nested 5,000 levels', 400, () => post('/api/admin/pregen', 'application/json', deep)],
    [
      'a toggles body nested 5,000 levels',
      400,
      () => post('/api/admin/companies/10/feature-toggles', 'application/json', deep, 'PUT'),
    ],
    [
      'an invalid DTO',
      400,
      () => post('/api/admin/pregen', 'application/json', '{"dates":"soon"}'),
    ],
    [
      'a bad schedule query',
      400,
      () => send('/api/dr-schedule?startDate=x&endDate=x', { headers: ADMIN_HEADERS }),
    ],
    ['no credentials', 401, () => send('/api/admin/jobs')],
  ])('should answer %s with %i and a body of only a message', async (_what, status, request) => {
    const answer = await request();

    expect(answer.status).toBe(status);
    expect(answer.type).toMatch(/^application\/json/);
    expect(answer.body).toEqual({ message: expect.any(String) as unknown });
  });
});
