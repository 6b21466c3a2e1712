import { Logger, Module, OnModuleInit } from '@nestjs/common';
import { errorMessage } from '../common/error-message';
import { BlobStorage } from './blob.storage';
import { ThreadedBlobStorage } from './threaded-blob.storage';
import { MetricsModule } from '../metrics/metrics.module';

@Module({
  imports: [MetricsModule],
  providers: [{ provide: BlobStorage, useClass: ThreadedBlobStorage }],
  exports: [BlobStorage],
})
export class BlobModule implements OnModuleInit {
  constructor(private readonly storage: BlobStorage) {}

  /** A storage outage at boot must not crash-loop pods: reads fall back to the upstream. */
  async onModuleInit(): Promise<void> {
    try {
      await this.storage.ensureContainer();
    } catch (error) {
      new Logger(BlobModule.name).error(`Container not ensured at boot: ${errorMessage(error)}`);
    }
  }
}
