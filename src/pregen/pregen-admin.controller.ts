import {
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Param,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { AdminGuard } from '../auth/admin.guard';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { strictValidation } from '../common/strict-validation.pipe';
import { ApiAdmin, ApiJson, ApiMessage } from '../docs/decorators';
import {
  CYCLES_SCHEMA,
  ENQUEUED_CYCLE_SCHEMA,
  JOB_DETAILS_SCHEMA,
  JOB_VIEW_SCHEMA,
  RETRIED_JOB_SCHEMA,
} from '../docs/schemas';
import { FastifyReply } from 'fastify';
import { errorMessage } from '../common/error-message';
import { serviceUnavailable } from '../http/service-unavailable';
import { CycleHistory, CycleRecord } from './cycle-history.service';
import {
  LISTABLE_STATES,
  ListCyclesQueryDto,
  ListJobsQueryDto,
  PregenRequestDto,
} from './pregen-admin.dto';
import {
  JobDetails,
  JobNotFoundError,
  JobNotRetryableError,
  JobView,
  PregenJobs,
} from './pregen-jobs.service';
import { EnqueuedCycle, PregenQueue } from './pregen-queue.service';

@ApiTags('admin')
@ApiAdmin()
@Controller('api/admin')
@UseGuards(AdminGuard)
export class PregenAdminController {
  constructor(
    private readonly pregen: PregenQueue,
    private readonly jobsAdmin: PregenJobs,
    private readonly history: CycleHistory,
  ) {}

  @Post('pregen')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Enqueue a manual pre-generation cycle (default: the whole window)' })
  @ApiBody({ type: PregenRequestDto, required: false })
  @ApiJson(202, 'One job per date enqueued.', ENQUEUED_CYCLE_SCHEMA)
  @ApiMessage(400, 'Invalid body.', ['each value in dates must be a date as YYYY-MM-DD'])
  @ApiMessage(413, 'Body over 16 KB.', ['Request body is too large'])
  @Audited({
    action: 'pregen.trigger',
    target: (request) => (request.body as PregenRequestDto | undefined)?.dates ?? 'window',
    result: (answer) => (answer as EnqueuedCycle).cycleId,
  })
  trigger(
    @CurrentPrincipal() principal: Principal,
    @Body(strictValidation) body: PregenRequestDto = new PregenRequestDto(),
  ): Promise<EnqueuedCycle> {
    return this.pregen.enqueueManualCycle(body.dates, {
      trigger: body.trigger ?? 'manual',
      actor: principal.subject,
    });
  }

  @Get('cycles')
  @ApiOperation({ summary: 'Recent pre-generation cycles (HISTORY_DAYS), newest first' })
  @ApiJson(200, 'Cycle summaries.', CYCLES_SCHEMA)
  @ApiMessage(400, 'Invalid query.', ['limit must not be greater than 500'])
  @ApiMessage(503, 'Redis unavailable.', ['Redis unavailable: Redis: no answer within 2000 ms'])
  async cycles(
    @Query(strictValidation) query: ListCyclesQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ cycles: CycleRecord[] }> {
    try {
      return { cycles: await this.history.list(query.limit) };
    } catch (error) {
      throw serviceUnavailable(reply, `Redis unavailable: ${errorMessage(error)}`);
    }
  }

  @Get('jobs')
  @ApiOperation({ summary: 'Recent pre-generation jobs, newest first' })
  @ApiJson(200, 'Job views.', { type: 'array', items: JOB_VIEW_SCHEMA })
  @ApiMessage(400, 'Invalid query.', [
    'state must be one of the following values: failed, completed, active, waiting, delayed',
  ])
  async jobs(@Query(strictValidation) query: ListJobsQueryDto): Promise<JobView[]> {
    const states = query.state ? [query.state] : LISTABLE_STATES;
    const lists = await Promise.all(
      states.map((state) => this.jobsAdmin.listJobs(state, query.limit)),
    );
    return lists
      .flat()
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, query.limit);
  }

  @Get('jobs/:id')
  @ApiOperation({ summary: "One job, with its failed attempts' stack traces" })
  @ApiParam({ name: 'id', example: 'refresh:2026-11-23:manual-2026-11-23T10:31:07.123Z' })
  @ApiJson(200, 'The job.', JOB_DETAILS_SCHEMA)
  @ApiMessage(404, 'No such job.')
  async job(@Param('id') id: string): Promise<JobDetails> {
    try {
      return await this.jobsAdmin.show(id);
    } catch (error) {
      throw error instanceof JobNotFoundError
        ? new NotFoundException({ message: error.message })
        : error;
    }
  }

  @Post('jobs/:id/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Retry a failed job' })
  @ApiParam({ name: 'id', example: 'refresh:2026-11-23:manual-2026-11-23T10:31:07.123Z' })
  @ApiJson(202, 'The job is waiting again.', RETRIED_JOB_SCHEMA)
  @ApiMessage(404, 'No such job.')
  @ApiMessage(409, 'The job is not failed.')
  @Audited({
    action: 'job.retry',
    target: (request) => (request.params as { id: string }).id,
    result: (answer) => (answer as { state: string }).state,
  })
  async retry(@Param('id') id: string): Promise<{ id: string; state: 'waiting' }> {
    try {
      return await this.jobsAdmin.retry(id);
    } catch (error) {
      if (error instanceof JobNotFoundError) {
        throw new NotFoundException({ message: error.message });
      }
      if (error instanceof JobNotRetryableError) {
        throw new ConflictException({ message: error.message });
      }
      throw error;
    }
  }
}
