import { Module } from '@nestjs/common';
import { HttpUpstreamClient } from './http-upstream.client';
import { UpstreamClient } from './upstream.client';

@Module({
  providers: [{ provide: UpstreamClient, useClass: HttpUpstreamClient }],
  exports: [UpstreamClient],
})
export class UpstreamModule {}
