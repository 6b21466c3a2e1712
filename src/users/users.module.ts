import { Module } from '@nestjs/common';
import { UpstreamModule } from '../upstream/upstream.module';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';
import { BlobModule } from '../blob/blob.module';

@Module({
  imports: [BlobModule, UpstreamModule],
  controllers: [UsersController],
  providers: [UsersService],
  exports: [UsersService],
})
export class UsersModule {}
