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
  UseGuards,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../auth/admin.guard';
import { strictValidation } from '../common/strict-validation.pipe';
import { ApiAdmin, ApiJson, ApiMessage } from '../docs/decorators';
import { ENQUEUED_CYCLE_SCHEMA, JOB_VIEW_SCHEMA, RETRIED_JOB_SCHEMA } from '../docs/schemas';
import { LISTABLE_STATES, ListJobsQueryDto, PregenRequestDto } from './pregen-admin.dto';
import { JobNotFoundError, JobNotRetryableError, JobView, PregenJobs } from './pregen-jobs.service';
import { EnqueuedCycle, PregenQueue } from './pregen-queue.service';

@ApiTags('admin')
@ApiAdmin()
@ApiMessage(503, 'Redis is unavailable: nothing was done.', ['list jobs: Redis is unavailable'], {
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    schema: { type: 'integer' },
  },
})
@Controller('api/admin')
@UseGuards(AdminGuard)
export class PregenAdminController {
  constructor(
    private readonly pregen: PregenQueue,
    private readonly jobsAdmin: PregenJobs,
  ) {}

  @Post('pregen')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Enqueue a manual pre-generation cycle (default: the whole window)' })
  @ApiBody({ type: PregenRequestDto, required: false })
  @ApiJson(202, 'One job per date enqueued.', ENQUEUED_CYCLE_SCHEMA)
  @ApiMessage(400, 'Invalid body.', ['each value in dates must be a date as YYYY-MM-DD'])
  @ApiMessage(413, 'Body over 16 KB.', ['Request body is too large'])
  trigger(
    @Body(strictValidation) body: PregenRequestDto = new PregenRequestDto(),
  ): Promise<EnqueuedCycle> {
    return this.pregen.enqueueManualCycle(body.dates);
  }

  @Get('jobs')
  @ApiOperation({ summary: 'Recent pre-generation jobs, newest first' })
  @ApiJson(200, 'Job views.', { type: 'array', items: JOB_VIEW_SCHEMA })
  @ApiMessage(400, 'Invalid query.', [
    'state must be one of the following values: failed, completed, active, waiting',
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

  @Post('jobs/:id/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Retry a failed job' })
  @ApiParam({ name: 'id', example: 'refresh:2026-11-23:manual-2026-11-23T10:31:07.123Z' })
  @ApiJson(202, 'The job is waiting again.', RETRIED_JOB_SCHEMA)
  @ApiMessage(404, 'No such job.')
  @ApiMessage(409, 'The job is not failed.')
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
