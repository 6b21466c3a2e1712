import {
  Body,
  Controller,
  Get,
  Param,
  Put,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { AdminGuard } from '../auth/admin.guard';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { COMPANY_ID_MESSAGE, CompanyIdPipe } from '../common/company-id.pipe';
import { strictValidation } from '../common/strict-validation.pipe';
import { ApiAdmin, ApiJson, ApiMessage } from '../docs/decorators';
import { FEATURE_TOGGLES_VIEW_SCHEMA } from '../docs/schemas';
import { CompanyId } from '../domain/schedule-key';
import { FeatureTogglesDto } from './feature-toggles.dto';
import {
  CompanyFeatureToggles,
  FeatureTogglesNotSavedError,
  FeatureTogglesService,
} from './feature-toggles.service';

export type FeatureTogglesView = { serviceCompanyId: CompanyId } & CompanyFeatureToggles;

@ApiTags('admin')
@ApiAdmin()
@Controller('api/admin/companies/:id/feature-toggles')
@UseGuards(AdminGuard)
@ApiParam({ name: 'id', description: 'serviceCompanyId', example: 26 })
@ApiMessage(400, 'Invalid company id or body.', [
  COMPANY_ID_MESSAGE,
  'TechDashboard_DisplayBillRate must be a boolean value',
  'property Unknown should not exist',
])
export class FeatureTogglesAdminController {
  constructor(private readonly featureToggles: FeatureTogglesService) {}

  @Get()
  @ApiOperation({ summary: "A company's technician feature toggles (defaults if never set)" })
  @ApiJson(200, 'The toggles in force.', FEATURE_TOGGLES_VIEW_SCHEMA)
  async get(@Param('id', CompanyIdPipe) companyId: CompanyId): Promise<FeatureTogglesView> {
    return { serviceCompanyId: companyId, ...(await this.featureToggles.get(companyId)) };
  }

  @Put()
  @ApiOperation({ summary: "Replace a company's technician feature toggles (all seven)" })
  @ApiBody({ type: FeatureTogglesDto })
  @ApiJson(
    200,
    'Saved; other replicas apply them within FEATURE_TOGGLES_TTL_MS.',
    FEATURE_TOGGLES_VIEW_SCHEMA,
  )
  @ApiMessage(413, 'Body over 16 KB.', ['Request body is too large'])
  @ApiMessage(503, 'Blob storage unavailable; nothing saved.', [
    new FeatureTogglesNotSavedError().message,
  ])
  @Audited({
    action: 'feature-toggles.put',
    target: (request) => `company ${(request.params as { id: string }).id}`,
    result: (answer) => (answer as FeatureTogglesView).toggles,
  })
  async put(
    @CurrentPrincipal() principal: Principal,
    @Param('id', CompanyIdPipe) companyId: CompanyId,
    @Body(strictValidation) body: FeatureTogglesDto,
  ): Promise<FeatureTogglesView> {
    try {
      const saved = await this.featureToggles.put(companyId, body, principal.subject);
      return { serviceCompanyId: companyId, ...saved };
    } catch (error) {
      if (error instanceof FeatureTogglesNotSavedError) {
        throw new ServiceUnavailableException({ message: error.message });
      }
      throw error;
    }
  }
}
