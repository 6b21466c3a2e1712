import { Body, Controller, Get, Put, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Audited } from '../audit/audited.decorator';
import { AdminGuard } from '../auth/admin.guard';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { strictValidation } from '../common/strict-validation.pipe';
import { ApiAdmin, ApiJson, ApiMessage } from '../docs/decorators';
import { serviceUnavailable } from '../http/service-unavailable';
import { PREGEN_SCHEDULE_SCHEMA, SERVE_MODE_SCHEMA } from '../docs/schemas';
import {
  OperatorSwitches,
  PregenSchedule,
  ServeModeState,
  SwitchesUnavailableError,
} from './operator-switches.service';
import { PregenScheduleDto, ServeModeDto } from './switches-admin.dto';

@ApiTags('admin')
@ApiAdmin()
@Controller('api/admin')
@UseGuards(AdminGuard)
@ApiMessage(503, 'Redis unavailable; nothing changed.', ['Redis unavailable: switch not changed'])
export class SwitchesAdminController {
  constructor(private readonly switches: OperatorSwitches) {}

  @Get('pregen/schedule')
  @ApiOperation({ summary: 'Whether the recurring pre-generation cycle is paused' })
  @ApiJson(200, 'The pause switch.', PREGEN_SCHEDULE_SCHEMA)
  schedule(@Res({ passthrough: true }) reply: FastifyReply): Promise<PregenSchedule> {
    return available(reply, this.switches.readSchedule());
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
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PregenSchedule> {
    const change = this.switches.setSchedule(body.paused, body.reason ?? null, principal.subject);
    return available(reply, change);
  }

  @Get('serve-mode')
  @ApiOperation({ summary: 'Where reads are answered from: cache, or the legacy API only' })
  @ApiJson(200, 'The serve mode.', SERVE_MODE_SCHEMA)
  serveMode(@Res({ passthrough: true }) reply: FastifyReply): Promise<ServeModeState> {
    return available(reply, this.switches.readServeMode());
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
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ServeModeState> {
    return available(reply, this.switches.setServeMode(body.mode, principal.subject));
  }
}

/** A switch Redis could not read or store is a 503 the caller may retry. */
async function available<T>(reply: FastifyReply, pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    if (error instanceof SwitchesUnavailableError) {
      throw serviceUnavailable(reply, error.message);
    }
    throw error;
  }
}
