import { BadRequestException, Controller, Get, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
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
import { ScheduleService } from './schedule.service';
import { UpstreamErrorFilter } from './upstream-error.filter';

@ApiTags('schedule')
@ApiAuthenticated()
@Controller('api/dr-schedule')
@UseFilters(UpstreamErrorFilter)
export class ScheduleController {
  constructor(
    private readonly schedules: ScheduleService,
    private readonly metrics: MetricsService,
  ) {}

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
  @ApiMessage(400, 'Invalid query.', Object.values(QueryMessages), REQUEST_ID_HEADER)
  @ApiUpstreamFailures()
  async get(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Buffer> {
    const startedAt = performance.now();
    const { companyId, date } = parseKey(query);
    const key: ScheduleKey = { companyId: resolveCompanyId(principal, companyId), date };
    try {
      const answer = await this.schedules.get(key);
      const seconds = (performance.now() - startedAt) / 1000;
      const hit = answer.source === 'cache';
      this.metrics.recordRequest(hit ? 'hit' : 'miss', seconds);
      request.log.info(
        { ...key, source: answer.source, durationMs: Math.round(seconds * 1000) },
        'schedule served',
      );
      void reply
        .header('content-type', SCHEDULE_CONTENT_TYPE)
        .header('x-cache', hit ? 'HIT' : 'MISS');
      return answer.body;
    } catch (error) {
      const seconds = (performance.now() - startedAt) / 1000;
      this.metrics.recordRequest('error', seconds);
      request.log.warn(
        { ...key, source: 'upstream', durationMs: Math.round(seconds * 1000) },
        'schedule failed',
      );
      throw error;
    }
  }
}

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
