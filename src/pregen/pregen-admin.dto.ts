import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  Max,
  Min,
  ValidateBy,
} from 'class-validator';
import { toInt } from '../common/transforms';
import { isScheduleDate, ScheduleDate } from '../domain/schedule-key';
import { ListableState } from './pregen-jobs.service';
import { OperatorOrigin } from './pregen-queue.service';

export const LISTABLE_STATES: readonly ListableState[] = [
  'failed',
  'completed',
  'active',
  'waiting',
  'delayed',
];

export const OPERATOR_TRIGGERS: readonly OperatorOrigin['trigger'][] = ['manual', 'cli'];

export class PregenRequestDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'date',
    minItems: 1,
    maxItems: 62,
    uniqueItems: true,
    example: ['2026-11-23', '2026-11-24'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(62)
  @ArrayUnique()
  @ValidateBy(
    { name: 'isScheduleDate', validator: { validate: (value) => isScheduleDate(value) } },
    { each: true, message: 'each value in dates must be a date as YYYY-MM-DD' },
  )
  dates?: ScheduleDate[];

  @ApiPropertyOptional({
    enum: OPERATOR_TRIGGERS,
    default: 'manual',
    description: 'Recorded in the cycle history: `cli` for the command-line tool',
  })
  @IsOptional()
  @IsIn(OPERATOR_TRIGGERS)
  trigger?: OperatorOrigin['trigger'];
}

export class ListJobsQueryDto {
  @ApiPropertyOptional({ enum: LISTABLE_STATES, description: 'Default: every state' })
  @IsOptional()
  @IsIn(LISTABLE_STATES)
  state?: ListableState;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 50;
}

export class ListCyclesQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 20 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 20;
}
