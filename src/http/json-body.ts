import { FastifyInstance } from 'fastify';

// Admin bodies are flat DTOs; validation recurses into whatever it is given.
export const MAX_BODY_DEPTH = 32;

class BodyTooDeepError extends Error {
  readonly statusCode = 400;
}

/**
 * JSON is the only body the API takes: anything else is 415 (not a string for validation to
 * refuse), and a body nested deeper than MAX_BODY_DEPTH is 400 before validation recurses into it.
 */
export function registerJsonBody(fastify: FastifyInstance): void {
  // Fastify's defaults: refuse __proto__, drop constructor.prototype.
  const parseJson = fastify.getDefaultJsonParser('error', 'remove');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    parseJson(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) {
        done(error, undefined);
      } else if (deeperThan(value, MAX_BODY_DEPTH)) {
        done(new BodyTooDeepError(`Request body is nested deeper than ${MAX_BODY_DEPTH} levels`));
      } else {
        done(null, value);
      }
    }),
  );
}

/** Iterative, so a hostile depth cannot overflow the stack here either. */
function deeperThan(root: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[root, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, depth] = next;
    if (typeof value === 'object' && value !== null) {
      if (depth > max) {
        return true;
      }
      for (const child of Object.values(value)) {
        pending.push([child, depth + 1]);
      }
    }
  }
  return false;
}
