import { RequestMethod, VersioningType } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { pulse } from './pulse.js';
import { PulseExceptionFilter } from './pulse-exception.filter.js';

async function bootstrap() {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter());
  await app.register(pulse.fastify()); // measures every request, serves GET /metrics, /health
  app.useGlobalFilters(new PulseExceptionFilter(app.get(HttpAdapterHost).httpAdapter));

  app.setGlobalPrefix('api', { exclude: [{ path: 'status', method: RequestMethod.GET }] });
  app.enableVersioning({ type: VersioningType.URI });
  await app.listen(process.env.PORT ?? 3000);
}
bootstrap();
