import { RequestMethod, VersioningType } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { pulse } from './pulse.js';
import { PulseExceptionFilter } from './pulse-exception.filter.js';

async function bootstrap() {
  const app = await NestFactory.create<NestExpressApplication>(AppModule);
  app.use(pulse.middleware()); // before the routes Nest adds when it starts
  pulse.mount(app.getHttpAdapter().getInstance()); // GET /metrics, /health
  app.useGlobalFilters(new PulseExceptionFilter(app.get(HttpAdapterHost).httpAdapter));

  app.setGlobalPrefix('api', { exclude: [{ path: 'status', method: RequestMethod.GET }] });
  app.enableVersioning({ type: VersioningType.URI });
  await app.listen(process.env.PORT ?? 3000);
}
bootstrap();
