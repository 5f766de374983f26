import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { PublicEventSources } from '../public-events/public-events';
import { API_KEY_SECURITY, BEARER_SECURITY, finishDocument } from './openapi-document';
import { routeAccessByOperationId } from './openapi-access';

export {
  API_KEY_SECURITY,
  BEARER_SECURITY,
  RATE_LIMITED_EXTENSION,
  TAG_DESCRIPTIONS,
} from './openapi-document';

/**
 * OpenAPI 3.1 for the REST surface and the webhooks: the UI at /docs and the document at
 * /openapi.json (and .yaml). Controllers describe routes with @nestjs/swagger decorators; security,
 * servers, tags, response headers and webhook payloads are added by finishDocument (ADR 0011).
 */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Kefu')
    .setDescription(
      'Headless support desk: REST for partner channels (/v1) and the webhooks Kefu sends them. ' +
        'GraphQL for frontends is at /graphql. Errors are RFC 9457 application/problem+json.',
    )
    .setVersion('1')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Frontend users (JWT).' },
      BEARER_SECURITY,
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Api-Key',
        description: 'Partner channels: one key per channel, shown once at creation.',
      },
      API_KEY_SECURITY,
    )
    .build();
  // Built on first request, when every module's routes and public event sources are known.
  SwaggerModule.setup(
    'docs',
    app,
    () =>
      finishDocument(SwaggerModule.createDocument(app, config), {
        access: routeAccessByOperationId(app),
        webhookPayloads: app.get(PublicEventSources, { strict: false }).payloadSchemas(),
      }) as unknown as ReturnType<typeof SwaggerModule.createDocument>,
    {
      jsonDocumentUrl: 'openapi.json',
      yamlDocumentUrl: 'openapi.yaml',
      customSiteTitle: 'Kefu API',
    },
  );
}
