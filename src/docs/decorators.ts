import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import type { HeadersObject, SchemaObject } from '@nestjs/swagger';
import { AuthMessages } from '../auth/auth.errors';
import { MESSAGE_SCHEMA } from './schemas';

/** Name of the security scheme: `Authorization: Bearer <JWT or ADMIN_API_TOKEN>`. */
export const BEARER_AUTH = 'bearer';

export const REQUEST_ID_HEADER: HeadersObject = {
  'X-Request-Id': {
    description: 'Request id: an incoming one (≤128 chars of [A-Za-z0-9_.:-]) is kept.',
    schema: { type: 'string' },
  },
};

export const CACHE_HEADERS: HeadersObject = {
  'X-Cache': {
    description:
      'HIT: stored and fresh; STALE: stored, older than CACHE_MAX_AGE, refresh queued; MISS: fetched from the legacy API.',
    schema: { type: 'string', enum: ['HIT', 'STALE', 'MISS'] },
  },
  ETag: {
    description: 'Strong validator of the bytes (differs per Content-Encoding).',
    schema: { type: 'string' },
  },
  'Last-Modified': {
    description: 'When the legacy API answer behind the bytes was fetched.',
    schema: { type: 'string' },
  },
  'Cache-Control': { description: 'private, max-age=CACHE_MAX_AGE', schema: { type: 'string' } },
  Age: {
    description: 'Seconds since the legacy API answer was fetched.',
    schema: { type: 'integer' },
  },
  ...REQUEST_ID_HEADER,
};

/** A JSON answer with a schema, optional example and headers. */
export function ApiJson(
  status: number,
  description: string,
  schema: SchemaObject,
  extra: { example?: unknown; headers?: HeadersObject } = {},
): MethodDecorator & ClassDecorator {
  return ApiResponse({
    status,
    description,
    headers: extra.headers,
    content: {
      'application/json': {
        schema,
        ...(extra.example === undefined ? {} : { example: extra.example }),
      },
    },
  });
}

/** A `{"message": "..."}` answer; each message becomes a named example. */
export function ApiMessage(
  status: number,
  description: string,
  messages: readonly string[] = [],
  headers?: HeadersObject,
): MethodDecorator & ClassDecorator {
  const examples = Object.fromEntries(
    messages.map((message, index) => [`m${index + 1}`, { summary: message, value: { message } }]),
  );
  return ApiResponse({
    status,
    description,
    headers,
    content: {
      'application/json': {
        schema: MESSAGE_SCHEMA,
        ...(messages.length > 0 ? { examples } : {}),
      },
    },
  });
}

/** The legacy API failed with nothing stored: 502, or 504 on a timeout. */
export function ApiUpstreamFailures(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiMessage(
      502,
      'Nothing stored and the legacy API refused or failed.',
      ['Schedule service unavailable: the legacy schedule API answered with an error'],
      REQUEST_ID_HEADER,
    ),
    ApiMessage(
      504,
      'Nothing stored and the legacy API timed out.',
      ['Schedule service unavailable: the legacy schedule API did not answer in time'],
      REQUEST_ID_HEADER,
    ),
  );
}

/** Routes behind AuthGuard: 401 without a valid token, 403 for a company not the token's. */
export function ApiAuthenticated(): MethodDecorator & ClassDecorator {
  return ApiBearer("Another company than the token's.", AuthMessages.otherCompany);
}

/** Admin routes: an admin JWT or ADMIN_API_TOKEN; 401 without a valid token, 403 for others. */
export function ApiAdmin(): MethodDecorator & ClassDecorator {
  return ApiBearer('Authenticated, but not an admin.', AuthMessages.adminRequired);
}

function ApiBearer(forbidden: string, message: string): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(BEARER_AUTH),
    ApiMessage(401, 'Missing, malformed, invalid or expired bearer token.', [
      AuthMessages.missing,
      AuthMessages.invalid,
      AuthMessages.expired,
    ]),
    ApiMessage(403, forbidden, [message]),
  );
}
