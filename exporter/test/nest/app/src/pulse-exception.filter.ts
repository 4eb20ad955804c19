import { ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { pulse } from './pulse.js';

// Nest answers a thrown error itself (no Express or Fastify error handler sees it): this global
// filter hands it to Pulse with the status Nest answers, then lets Nest answer as it would have.
@Catch()
export class PulseExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    pulse.captureException(exception, {
      request: host.switchToHttp().getRequest(),
      status: exception instanceof HttpException ? exception.getStatus() : 500,
    });
    super.catch(exception, host);
  }
}
