import { Module } from '@nestjs/common';
import { AdminGuard } from '../auth/admin.guard';
import { FeatureTogglesAdminController } from './feature-toggles-admin.controller';
import { FeatureTogglesService } from './feature-toggles.service';

/** Per-company feature toggles: what technicians may see. */
@Module({
  controllers: [FeatureTogglesAdminController],
  providers: [FeatureTogglesService, AdminGuard],
  exports: [FeatureTogglesService],
})
export class FeaturesModule {}
