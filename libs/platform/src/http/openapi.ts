import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const API_KEY_SECURITY = 'apiKey';
export const BEARER_SECURITY = 'bearer';

/**
 * OpenAPI for the REST surface: the UI at /docs and the document at /openapi.json. Controllers
 * declare @ApiBearerAuth(BEARER_SECURITY) or @ApiSecurity(API_KEY_SECURITY).
 */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Kefu')
    .setDescription(
      'Headless support desk: REST for partner channels (/v1). GraphQL for frontends is at /graphql.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SECURITY)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, API_KEY_SECURITY)
    .build();
  // Built on first request, when every module's routes are known.
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    customSiteTitle: 'Kefu API',
  });
}
