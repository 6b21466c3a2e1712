import type { OperationObject } from '@nestjs/swagger';
import {
  authenticatedResponses,
  BEARER_AUTH,
  CACHE_HEADERS,
  jsonResponse,
  messageResponse,
  REQUEST_ID_HEADER,
  upstreamFailureResponses,
} from '../docs/decorators';
import { LEGACY_ENVELOPE_EXAMPLE, LEGACY_ENVELOPE_SCHEMA } from '../docs/schemas';
import { QueryMessages, ScheduleDate } from '../domain/schedule-key';
import { outsideWindowMessage } from '../domain/serving-window';

/** GET /api/dr-schedule is a plain Fastify route (see ScheduleRoute), so Swagger cannot scan it. */
export const SCHEDULE_OPERATION: OperationObject = {
  tags: ['schedule'],
  summary: "One company's schedule for one day (cache first)",
  security: [{ [BEARER_AUTH]: [] }],
  parameters: [
    {
      name: 'startDate',
      in: 'query',
      required: true,
      schema: { type: 'string', format: 'date', example: '2026-11-23' },
    },
    {
      name: 'endDate',
      in: 'query',
      required: true,
      description: 'Must equal startDate',
      schema: { type: 'string', format: 'date', example: '2026-11-23' },
    },
    {
      name: 'serviceCompanyId',
      in: 'query',
      required: false,
      description:
        "Required for admins; office and technician tokens default to (and may only ask for) the token's company",
      schema: { type: 'integer', minimum: 1, maximum: 2147483647, example: 26 },
    },
  ],
  responses: {
    200: jsonResponse(
      'The legacy envelope, bytes as stored (charset=utf-8).',
      LEGACY_ENVELOPE_SCHEMA,
      { example: LEGACY_ENVELOPE_EXAMPLE, headers: CACHE_HEADERS },
    ),
    304: {
      description: 'If-None-Match matched the ETag (or If-Modified-Since is not older): no body.',
      headers: CACHE_HEADERS,
    },
    400: messageResponse(
      'Invalid query, or a date outside the serving window (READ_PAST_DAYS, READ_FUTURE_DAYS).',
      [
        ...Object.values(QueryMessages),
        outsideWindowMessage({
          first: '2026-10-23' as ScheduleDate,
          last: '2027-01-24' as ScheduleDate,
        }),
      ],
      REQUEST_ID_HEADER,
    ),
    ...authenticatedResponses(),
    ...upstreamFailureResponses(),
  },
};
