import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { SERVE_MODES, ServeMode } from './operator-switches.service';

export class PregenScheduleDto {
  @ApiProperty({ type: Boolean, description: 'true: cron ticks enqueue nothing' })
  @IsBoolean()
  readonly paused!: boolean;

  @ApiPropertyOptional({ type: String, maxLength: 200, example: 'legacy API maintenance' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  readonly reason?: string;
}

export class ServeModeDto {
  @ApiProperty({ enum: SERVE_MODES, description: 'upstream: every read is a fresh legacy call' })
  @IsIn(SERVE_MODES)
  readonly mode!: ServeMode;
}
