import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import type { HeadersObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
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
      'HIT: stored and fresh; STALE: stored, older than CACHE_MAX_AGE, refresh queued; MISS: fetched from the legacy API; BYPASS: serve mode upstream, a fresh legacy call with Cache-Control: no-store and no ETag, Last-Modified or Age.',
    schema: { type: 'string', enum: ['HIT', 'STALE', 'MISS', 'BYPASS'] },
  },
  ETag: {
    description: 'Strong validator of the bytes (differs per Content-Encoding).',
    schema: { type: 'string' },
  },
  'Last-Modified': {
    description: 'When the legacy API answer behind the bytes was fetched.',
    schema: { type: 'string' },
  },
  'Cache-Control': {
    description: 'private, max-age=CACHE_MAX_AGE (no-store for BYPASS)',
    schema: { type: 'string' },
  },
  Age: {
    description:
      'Seconds since the legacy API last gave these bytes (a refresh that found them unchanged counts).',
    schema: { type: 'integer' },
  },
  ...REQUEST_ID_HEADER,
};

/** A JSON answer with a schema, optional example and headers. */
export function jsonResponse(
  description: string,
  schema: SchemaObject,
  extra: { example?: unknown; headers?: HeadersObject } = {},
): ResponseObject {
  return {
    description,
    headers: extra.headers,
    content: {
      'application/json': {
        schema,
        ...(extra.example === undefined ? {} : { example: extra.example }),
      },
    },
  };
}

export function ApiJson(
  status: number,
  description: string,
  schema: SchemaObject,
  extra: { example?: unknown; headers?: HeadersObject } = {},
): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, ...jsonResponse(description, schema, extra) });
}

/** A `{"message": "..."}` answer; each message becomes a named example. */
export function messageResponse(
  description: string,
  messages: readonly string[] = [],
  headers?: HeadersObject,
): ResponseObject {
  const examples = Object.fromEntries(
    messages.map((message, index) => [`m${index + 1}`, { summary: message, value: { message } }]),
  );
  return {
    description,
    headers,
    content: {
      'application/json': {
        schema: MESSAGE_SCHEMA,
        ...(messages.length > 0 ? { examples } : {}),
      },
    },
  };
}

export function ApiMessage(
  status: number,
  description: string,
  messages: readonly string[] = [],
  headers?: HeadersObject,
): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, ...messageResponse(description, messages, headers) });
}

/** Responses as a map, for routes documented without decorators. */
export type ResponsesByStatus = Record<string, ResponseObject>;

/** The legacy API failed with nothing stored: 502, or 504 on a timeout. */
export function upstreamFailureResponses(): ResponsesByStatus {
  return {
    502: messageResponse(
      'Nothing stored and the legacy API refused or failed.',
      ['Schedule service unavailable: the legacy schedule API answered with an error'],
      REQUEST_ID_HEADER,
    ),
    504: messageResponse(
      'Nothing stored and the legacy API timed out.',
      ['Schedule service unavailable: the legacy schedule API did not answer in time'],
      REQUEST_ID_HEADER,
    ),
  };
}

export function ApiUpstreamFailures(): MethodDecorator & ClassDecorator {
  return apiResponses(upstreamFailureResponses());
}

/** Routes behind authentication: 401 without a valid token, 403 for a company not the token's. */
export function authenticatedResponses(): ResponsesByStatus {
  return bearerResponses("Another company than the token's.", AuthMessages.otherCompany);
}

export function ApiAuthenticated(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiBearerAuth(BEARER_AUTH), apiResponses(authenticatedResponses()));
}

/** Admin routes: an admin JWT or ADMIN_API_TOKEN; 401 without a valid token, 403 for others. */
export function ApiAdmin(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(BEARER_AUTH),
    apiResponses(bearerResponses('Authenticated, but not an admin.', AuthMessages.adminRequired)),
  );
}

function bearerResponses(forbidden: string, message: string): ResponsesByStatus {
  return {
    429: messageResponse(
      'Over the per-client rate limit (RATE_LIMIT_PER_MINUTE); see Retry-After.',
      ['Too many requests: at most 600 a minute; retry after 12 s'],
      {
        'Retry-After': {
          description: 'Seconds until the budget refills.',
          schema: { type: 'integer' },
        },
      },
    ),
    401: messageResponse('Missing, malformed, invalid or expired bearer token.', [
      AuthMessages.missing,
      AuthMessages.invalid,
      AuthMessages.expired,
    ]),
    403: messageResponse(forbidden, [message]),
  };
}

function apiResponses(responses: ResponsesByStatus): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...Object.entries(responses).map(([status, response]) =>
      ApiResponse({ status: Number(status), ...response }),
    ),
  );
}
