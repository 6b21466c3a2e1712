import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'schedule-cache:public';

/** Opts a controller or handler out of AuthGuard (health probes, Prometheus scrapes). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
