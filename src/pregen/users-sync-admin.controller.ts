import { Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { HeadersObject } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { AdminGuard } from '../auth/admin.guard';
import { ApiAdmin, ApiJson, ApiMessage } from '../docs/decorators';
import { QUEUED_JOB_SCHEMA } from '../docs/schemas';
import { PregenQueue } from './pregen-queue.service';

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
  @Audited({
    action: 'users.sync',
    target: () => 'users directory',
    result: (answer) => (answer as { jobId: string }).jobId,
  })
  async sync(): Promise<{ jobId: string }> {
    return { jobId: await this.pregen.enqueueUsersSyncNow() };
  }
}
