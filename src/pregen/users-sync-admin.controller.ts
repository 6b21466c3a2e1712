import {
  Controller,
  HttpCode,
  HttpStatus,
  Post,
  Res,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { HeadersObject } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AdminGuard } from '../auth/admin.guard';
import { ApiAdmin, ApiJson, ApiMessage } from '../docs/decorators';
import { QUEUED_JOB_SCHEMA } from '../docs/schemas';
import { PregenQueue, QueueUnavailableError } from './pregen-queue.service';

/** Seconds a caller waits before asking again while Redis is away. */
const RETRY_AFTER_S = 5;
const RETRY_AFTER_HEADER: HeadersObject = {
  'Retry-After': {
    description: 'Seconds to wait before asking again.',
    schema: { type: 'integer' },
  },
};

@ApiTags('admin')
@ApiAdmin()
@Controller('api/admin/users')
@UseGuards(AdminGuard)
export class UsersSyncAdminController {
  constructor(private readonly pregen: PregenQueue) {}

  @Post('sync')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Copy the users directory from the legacy API now (one job)' })
  @ApiJson(202, 'The sync job is queued.', QUEUED_JOB_SCHEMA)
  @ApiMessage(503, 'Redis unavailable; nothing queued.', [], RETRY_AFTER_HEADER)
  async sync(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ jobId: string }> {
    try {
      return { jobId: await this.pregen.enqueueUsersSyncNow() };
    } catch (error) {
      if (error instanceof QueueUnavailableError) {
        // The error filter answers on this reply, so the header set here goes out with it.
        void reply.header('retry-after', String(RETRY_AFTER_S));
        throw new ServiceUnavailableException({ message: error.message });
      }
      throw error;
    }
  }
}
