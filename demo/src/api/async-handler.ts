import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ValidationError, sendValidationError } from './validation';

/**
 * Express 4 does not catch rejected promises: route them to next() so Pulse's error handler
 * records them, and turn ValidationErrors into 422 answers on the way.
 */
export function handler(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch((err: unknown) => {
      if (err instanceof ValidationError) sendValidationError(res, err);
      else next(err);
    });
  };
}
