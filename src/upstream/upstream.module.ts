import { Module } from '@nestjs/common';
import { ThreadedUpstreamClient } from './threaded-upstream.client';
import { UpstreamClient } from './upstream.client';

@Module({
  providers: [{ provide: UpstreamClient, useClass: ThreadedUpstreamClient }],
  exports: [UpstreamClient],
})
export class UpstreamModule {}
