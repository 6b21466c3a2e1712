import {
  BadRequestException,
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
  ValidationPipe,
} from '@nestjs/common';
import { ValidationError } from 'class-validator';
import { AdminGuard } from '../auth/admin.guard';
import { LISTABLE_STATES, ListJobsQueryDto, PregenRequestDto } from './pregen-admin.dto';
import {
  EnqueuedCycle,
  JobNotFoundError,
  JobNotRetryableError,
  JobView,
  PregenService,
} from './pregen.service';

// One `{"message": "..."}` body for every client mistake, like the rest of the API.
const validation = new ValidationPipe({
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
  exceptionFactory: (errors: ValidationError[]) =>
    new BadRequestException({
      message: errors.flatMap((error) => Object.values(error.constraints ?? {})).join('; '),
    }),
});

@Controller('api/admin')
@UseGuards(AdminGuard)
export class PregenAdminController {
  constructor(private readonly pregen: PregenService) {}

  @Post('pregen')
  @HttpCode(HttpStatus.ACCEPTED)
  trigger(
    @Body(validation) body: PregenRequestDto = new PregenRequestDto(),
  ): Promise<EnqueuedCycle> {
    return this.pregen.enqueueManualCycle(body.dates);
  }

  @Get('jobs')
  async jobs(@Query(validation) query: ListJobsQueryDto): Promise<JobView[]> {
    const states = query.state ? [query.state] : LISTABLE_STATES;
    const lists = await Promise.all(
      states.map((state) => this.pregen.listJobs(state, query.limit)),
    );
    return lists
      .flat()
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, query.limit);
  }

  @Post('jobs/:id/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  async retry(@Param('id') id: string): Promise<{ id: string; state: 'waiting' }> {
    try {
      return await this.pregen.retry(id);
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
