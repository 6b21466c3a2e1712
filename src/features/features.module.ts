import { Module } from '@nestjs/common';
import { AdminGuard } from '../auth/admin.guard';
import { FeatureTogglesAdminController } from './feature-toggles-admin.controller';
import { FeatureTogglesService } from './feature-toggles.service';
import { BlobModule } from '../blob/blob.module';

/** Per-company feature toggles: what technicians may see. */
@Module({
  imports: [BlobModule],
  controllers: [FeatureTogglesAdminController],
  providers: [FeatureTogglesService, AdminGuard],
  exports: [FeatureTogglesService],
})
export class FeaturesModule {}
