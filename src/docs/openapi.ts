import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PACKAGE_VERSION } from '../common/package-version';
import { SCHEDULE_OPERATION } from '../schedule/schedule.openapi';
import { SCHEDULE_PATH } from '../schedule/schedule.route';
import { BEARER_AUTH } from './decorators';

/** Swagger UI at /docs, the OpenAPI JSON at /docs-json. */
export const DOCS_PATH = 'docs';
export const DOCS_JSON_PATH = 'docs-json';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('schedule-cache')
    .setDescription(
      'Cache-first front for the legacy GET /api/dr-schedule: the same URL, query and response format, answered from pre-generated per-company documents.',
    )
    .setVersion(PACKAGE_VERSION)
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'A JWT with the claims role (admin, office, technician), sub, serviceCompanyId (office, technician) and employeeInformationId (technician); or ADMIN_API_TOKEN as an admin.',
      },
      BEARER_AUTH,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.paths[SCHEDULE_PATH] = { ...document.paths[SCHEDULE_PATH], get: SCHEDULE_OPERATION };
  return document;
}

export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, buildOpenApiDocument(app), {
    jsonDocumentUrl: DOCS_JSON_PATH,
    raw: ['json'],
  });
}
