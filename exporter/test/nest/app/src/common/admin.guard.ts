import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';

// Refused requests get Nest's ForbiddenException (403), thrown before the handler runs.
@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    return req.headers['x-role'] === 'admin';
  }
}
