import Fastify, { FastifyInstance } from 'fastify';
import { errorAnswer } from './error-answer';
import { MAX_BODY_DEPTH, registerJsonBody } from './json-body';

function nested(depth: number): string {
  return '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);
}

describe('JSON bodies', () => {
  let app: FastifyInstance;

  beforeEach(async () => {
    app = Fastify();
    registerJsonBody(app);
    app.setErrorHandler((error, _request, reply) => {
      const { status, body } = errorAnswer(error);
      return reply.code(status).send(body);
    });
    app.post('/echo', (request) => ({ received: request.body }));
    await app.ready();
  });

  afterEach(() => app.close());

  const post = (payload: string, contentType: string) =>
    app.inject({ method: 'POST', url: '/echo', payload, headers: { 'content-type': contentType } });

  it('should parse JSON as deep as the limit', async () => {
    const answer = await post(nested(MAX_BODY_DEPTH), 'application/json');

    expect(answer.statusCode).toBe(200);
  });

  it('should refuse a body one level deeper with 400, and 5,000 levels without a stack overflow', async () => {
    for (const depth of [MAX_BODY_DEPTH + 1, 5_000]) {
      const answer = await post(nested(depth), 'application/json');

      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toEqual({
        message: `Request body is nested deeper than ${MAX_BODY_DEPTH} levels`,
      });
    }
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded'])(
    'should answer a %s body with 415',
    async (contentType) => {
      const answer = await post('dates=2026-12-04', contentType);

      expect(answer.statusCode).toBe(415);
      expect(Object.keys(answer.json<object>())).toEqual(['message']);
    },
  );

  it('should still refuse a __proto__ member', async () => {
    const answer = await post('{"__proto__":{"admin":true}}', 'application/json');

    expect(answer.statusCode).toBe(400);
  });
});
