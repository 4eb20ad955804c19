import { Injectable, NestMiddleware } from '@nestjs/common';

let next = 0;

@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  use(_req: unknown, res: { setHeader(name: string, value: string): void }, done: () => void): void {
    res.setHeader('x-request-id', String(++next));
    done();
  }
}
