import { BadRequestException, Controller, Get, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { resolveCompanyId } from '../auth/tenant-access';
import {
  ApiAuthenticated,
  ApiJson,
  ApiMessage,
  ApiUpstreamFailures,
  CACHE_HEADERS,
  REQUEST_ID_HEADER,
} from '../docs/decorators';
import { LEGACY_ENVELOPE_EXAMPLE, LEGACY_ENVELOPE_SCHEMA } from '../docs/schemas';
import { MetricsService } from '../metrics/metrics.service';
import { SCHEDULE_CONTENT_TYPE } from './schedule-document';
import {
  parseScheduleQuery,
  QueryMessages,
  ScheduleKey,
  ScheduleQuery,
  ScheduleQueryError,
} from './schedule-key';
import { ScheduleAnswer, ScheduleService } from './schedule.service';
import { ScheduleViews } from './schedule-views.service';
import { isNotModified, negotiateEncoding } from './http-caching';
import { AppConfig } from '../config/app-config';
import { UpstreamErrorFilter } from './upstream-error.filter';

@ApiTags('schedule')
@ApiAuthenticated()
@Controller('api/dr-schedule')
@UseFilters(UpstreamErrorFilter)
export class ScheduleController {
  private readonly cacheControl: string;

  constructor(
    private readonly schedules: ScheduleService,
    private readonly views: ScheduleViews,
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    // Clients may reuse a copy as long as this service would call it fresh (see `Age`).
    this.cacheControl = `private, max-age=${config.cache.maxAgeSeconds}`;
  }

  @Get()
  @ApiOperation({ summary: "One company's schedule for one day (cache first)" })
  @ApiQuery({
    name: 'serviceCompanyId',
    required: false,
    description:
      "Required for admins; office and technician tokens default to (and may only ask for) the token's company",
    schema: { type: 'integer', minimum: 1, maximum: 2147483647, example: 26 },
  })
  @ApiQuery({
    name: 'endDate',
    required: true,
    description: 'Must equal startDate',
    schema: { type: 'string', format: 'date', example: '2026-11-23' },
  })
  @ApiQuery({
    name: 'startDate',
    required: true,
    schema: { type: 'string', format: 'date', example: '2026-11-23' },
  })
  @ApiJson(200, 'The legacy envelope, bytes as stored (charset=utf-8).', LEGACY_ENVELOPE_SCHEMA, {
    example: LEGACY_ENVELOPE_EXAMPLE,
    headers: CACHE_HEADERS,
  })
  @ApiResponse({
    status: 304,
    description: 'If-None-Match matched the ETag (or If-Modified-Since is not older): no body.',
    headers: CACHE_HEADERS,
  })
  @ApiMessage(400, 'Invalid query.', Object.values(QueryMessages), REQUEST_ID_HEADER)
  @ApiUpstreamFailures()
  async get(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    const startedAt = performance.now();
    const { companyId, date } = parseKey(query);
    const key: ScheduleKey = { companyId: resolveCompanyId(principal, companyId), date };
    let answer: ScheduleAnswer;
    try {
      answer = await this.schedules.get(key, await this.views.for(principal));
    } catch (error) {
      const seconds = (performance.now() - startedAt) / 1000;
      this.metrics.recordRequest('error', seconds);
      request.log.warn(
        { ...key, source: 'upstream', durationMs: Math.round(seconds * 1000) },
        'schedule failed',
      );
      throw error;
    }
    const { document, state } = answer;
    const encoding = negotiateEncoding(request.headers['accept-encoding'], document);
    const age = Math.max(0, Math.floor((Date.now() - document.freshAt) / 1000));
    void reply
      .header('content-type', SCHEDULE_CONTENT_TYPE)
      .header('etag', document.etagFor(encoding))
      .header('last-modified', document.lastModified)
      .header('cache-control', this.cacheControl)
      .header('vary', 'Accept-Encoding, Authorization')
      .header('age', age)
      .header('x-cache', state);
    const notModified = isNotModified(request.headers, document);
    if (notModified) {
      await reply.code(304).send();
    } else if (encoding) {
      await reply.header('content-encoding', encoding).send(await document.encoded(encoding));
    } else {
      await reply.send(document.body);
    }
    const seconds = (performance.now() - startedAt) / 1000;
    this.metrics.recordRequest(RESULTS[state], seconds, notModified);
    // Hits are counted by /metrics; a line each would cost a fifth of a hit's CPU at info.
    request.log[state === 'HIT' ? 'debug' : 'info'](
      {
        ...key,
        role: principal.role,
        cache: state,
        notModified,
        encoding,
        durationMs: Math.round(seconds * 1000),
      },
      'schedule served',
    );
  }
}

const RESULTS = { HIT: 'hit', STALE: 'stale', MISS: 'miss' } as const;

function parseKey(query: Record<string, unknown>): ScheduleQuery {
  try {
    return parseScheduleQuery(query);
  } catch (error) {
    if (error instanceof ScheduleQueryError) {
      throw new BadRequestException({ message: error.message });
    }
    throw error;
  }
}
