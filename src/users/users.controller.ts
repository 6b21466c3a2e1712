import { Controller, Get, Res, UseFilters, UseGuards } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { AdminGuard } from '../auth/admin.guard';
import { SCHEDULE_CONTENT_TYPE } from '../schedule/schedule-document';
import { UpstreamErrorFilter } from '../schedule/upstream-error.filter';
import { UsersService } from './users.service';

@Controller('api/dr-schedule/users')
@UseGuards(AdminGuard)
@UseFilters(UpstreamErrorFilter)
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  async get(@Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const answer = await this.users.get();
    void reply
      .header('content-type', SCHEDULE_CONTENT_TYPE)
      .header('x-cache', answer.source === 'cache' ? 'HIT' : 'MISS');
    return answer.body;
  }
}
