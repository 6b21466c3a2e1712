import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { UpstreamError } from '../upstream/upstream.errors';

/** Nothing stored and the upstream failed: 504 on timeout, 502 on any other refused answer. */
@Catch(UpstreamError)
export class UpstreamErrorFilter implements ExceptionFilter<UpstreamError> {
  private readonly logger = new Logger(UpstreamErrorFilter.name);

  catch(error: UpstreamError, host: ArgumentsHost): void {
    const status = error.kind === 'timeout' ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_GATEWAY;
    this.logger.warn(`Upstream failed (${error.kind}): ${error.message}`);
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .status(status)
      .send({ message: `Schedule service unavailable: ${error.message}` });
  }
}
