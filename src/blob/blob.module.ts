import { Global, Module, OnModuleInit } from '@nestjs/common';
import { AzureBlobStorage } from './azure-blob.storage';
import { BlobStorage } from './blob.storage';

@Global()
@Module({
  providers: [{ provide: BlobStorage, useClass: AzureBlobStorage }],
  exports: [BlobStorage],
})
export class BlobModule implements OnModuleInit {
  constructor(private readonly storage: BlobStorage) {}

  async onModuleInit(): Promise<void> {
    await this.storage.ensureContainer();
  }
}
