import { BadRequestException, Controller, Get, Query, Req, Res, UseFilters } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { MetricsService } from '../metrics/metrics.service';
import { SCHEDULE_CONTENT_TYPE } from './schedule-document';
import { parseScheduleQuery, ScheduleKey, ScheduleQueryError } from './schedule-key';
import { ScheduleService } from './schedule.service';
import { UpstreamErrorFilter } from './upstream-error.filter';

@Controller('api/dr-schedule')
@UseFilters(UpstreamErrorFilter)
export class ScheduleController {
  constructor(
    private readonly schedules: ScheduleService,
    private readonly metrics: MetricsService,
  ) {}

  @Get()
  async get(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const startedAt = performance.now();
    const key = parseKey(query);
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

function parseKey(query: Record<string, unknown>): ScheduleKey {
  try {
    return parseScheduleQuery(query);
  } catch (error) {
    if (error instanceof ScheduleQueryError) {
      throw new BadRequestException({ message: error.message });
    }
    throw error;
  }
}
