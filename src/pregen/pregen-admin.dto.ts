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
import { isScheduleDate, ScheduleDate } from '../schedule/schedule-key';
import { ListableState } from './pregen.service';

export const LISTABLE_STATES: readonly ListableState[] = [
  'failed',
  'completed',
  'active',
  'waiting',
];

export class PregenRequestDto {
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
}

export class ListJobsQueryDto {
  @IsOptional()
  @IsIn(LISTABLE_STATES)
  state?: ListableState;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 50;
}
