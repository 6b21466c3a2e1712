import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { HeadersObject } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { ApiAdmin, ApiJson, ApiUpstreamFailures, REQUEST_ID_HEADER } from '../docs/decorators';
import { USERS_ENVELOPE_SCHEMA } from '../docs/schemas';
import { AdminGuard } from '../auth/admin.guard';
import { SCHEDULE_CONTENT_TYPE } from '../domain/schedule-document';
import { UsersService } from './users.service';

// Only these: the directory has no ETag, Last-Modified or Cache-Control of its own.
const USERS_HEADERS: HeadersObject = {
  'X-Cache': {
    description: 'HIT: the copy in blob storage; MISS: fetched from the legacy API.',
    schema: { type: 'string', enum: ['HIT', 'MISS'] },
  },
  ...REQUEST_ID_HEADER,
};

@ApiTags('users')
@ApiAdmin()
@Controller('api/dr-schedule/users')
@UseGuards(AdminGuard)
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'The portal users directory (copied every USERS_SYNC_CRON)' })
  @ApiJson(200, 'The legacy users envelope.', USERS_ENVELOPE_SCHEMA, { headers: USERS_HEADERS })
  @ApiUpstreamFailures()
  async get(@Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const answer = await this.users.get();
    void reply
      .header('content-type', SCHEDULE_CONTENT_TYPE)
      .header('x-cache', answer.source === 'cache' ? 'HIT' : 'MISS');
    return answer.body;
  }
}
