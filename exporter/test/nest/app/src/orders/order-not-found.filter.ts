import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { OrderNotFoundError } from './order-not-found.error.js';

// The app's own filter for one error class: it answers, so the global filters never see the error.
@Catch(OrderNotFoundError)
export class OrderNotFoundFilter implements ExceptionFilter {
  catch(error: OrderNotFoundError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<{ status(code: number): { send(body: unknown): void } }>();
    res.status(404).send({ statusCode: 404, message: error.message });
  }
}
