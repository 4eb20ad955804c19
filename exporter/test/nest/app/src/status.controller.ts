import { Controller, Get } from '@nestjs/common';

// Outside the global prefix (main.ts excludes it) and unversioned: GET /status.
@Controller('status')
export class StatusController {
  @Get()
  status() {
    return { ok: true };
  }
}
