import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { AdminGuard } from '../auth/admin.guard';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { strictValidation } from '../common/strict-validation.pipe';
import { ApiAdmin, ApiJson, ApiMessage } from '../docs/decorators';
import { PREGEN_SCHEDULE_SCHEMA, SERVE_MODE_SCHEMA } from '../docs/schemas';
import { OperatorSwitches, PregenSchedule, ServeModeState } from './operator-switches.service';
import { PregenScheduleDto, ServeModeDto } from './switches-admin.dto';

@ApiTags('admin')
@ApiAdmin()
@Controller('api/admin')
@UseGuards(AdminGuard)
@ApiMessage(503, 'Redis unavailable; nothing changed.', ['change a switch: Redis is unavailable'], {
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    schema: { type: 'integer' },
  },
})
export class SwitchesAdminController {
  constructor(private readonly switches: OperatorSwitches) {}

  @Get('pregen/schedule')
  @ApiOperation({ summary: 'Whether the recurring pre-generation cycle is paused' })
  @ApiJson(200, 'The pause switch.', PREGEN_SCHEDULE_SCHEMA)
  schedule(): Promise<PregenSchedule> {
    return this.switches.readSchedule();
  }

  @Put('pregen/schedule')
  @ApiOperation({
    summary:
      'Pause or resume the recurring cycle on every replica (manual and stale refreshes run)',
  })
  @ApiBody({ type: PregenScheduleDto })
  @ApiJson(200, 'Stored; every replica obeys from its next tick.', PREGEN_SCHEDULE_SCHEMA)
  @ApiMessage(400, 'Invalid body.', ['reason must be shorter than or equal to 200 characters'])
  @Audited({
    action: 'pregen.schedule',
    target: (request) => request.body,
    result: (answer) => (answer as PregenSchedule).paused,
  })
  setSchedule(
    @CurrentPrincipal() principal: Principal,
    @Body(strictValidation) body: PregenScheduleDto,
  ): Promise<PregenSchedule> {
    return this.switches.setSchedule(body.paused, body.reason ?? null, principal.subject);
  }

  @Get('serve-mode')
  @ApiOperation({ summary: 'Where reads are answered from: cache, or the legacy API only' })
  @ApiJson(200, 'The serve mode.', SERVE_MODE_SCHEMA)
  serveMode(): Promise<ServeModeState> {
    return this.switches.readServeMode();
  }

  @Put('serve-mode')
  @ApiOperation({ summary: 'Switch every replica between cache and upstream (rollback) mode' })
  @ApiBody({ type: ServeModeDto })
  @ApiJson(200, 'Stored; every replica follows within about a second.', SERVE_MODE_SCHEMA)
  @ApiMessage(400, 'Invalid body.', ['mode must be one of the following values: cache, upstream'])
  @Audited({
    action: 'serve-mode.set',
    target: (request) => (request.body as Partial<ServeModeDto> | undefined)?.mode,
    result: (answer) => (answer as ServeModeState).mode,
  })
  setServeMode(
    @CurrentPrincipal() principal: Principal,
    @Body(strictValidation) body: ServeModeDto,
  ): Promise<ServeModeState> {
    return this.switches.setServeMode(body.mode, principal.subject);
  }
}
