import { toOpenApi31 } from './openapi-31';

describe('toOpenApi31', () => {
  it('turns nullable scalars, enums and nested DTOs into 3.1 schemas, leaving the rest alone', () => {
    const doc = {
      openapi: '3.0.0',
      components: {
        schemas: {
          A: {
            type: 'object',
            properties: {
              at: { type: 'string', format: 'date-time', nullable: true, description: 'd' },
              outcome: { type: 'string', enum: ['won', 'lost'], nullable: true },
              author: { nullable: true, type: 'object', allOf: [{ $ref: '#/components/schemas/B' }] },
              plain: { type: 'number', nullable: false },
              // A property that happens to be called `nullable` is not the keyword.
              nullable: { type: 'string' },
            },
          },
        },
      },
    };
    const out = toOpenApi31(doc) as { openapi: string; components: { schemas: { A: unknown } } };
    expect(out.openapi).toBe('3.1.0');
    expect(out.components.schemas.A).toEqual({
      type: 'object',
      properties: {
        at: { type: ['string', 'null'], format: 'date-time', description: 'd' },
        outcome: { type: ['string', 'null'], enum: ['won', 'lost', null] },
        author: { anyOf: [{ $ref: '#/components/schemas/B' }, { type: 'null' }] },
        plain: { type: 'number' },
        nullable: { type: 'string' },
      },
    });
    expect(doc.openapi).toBe('3.0.0'); // the input is not modified
  });
});
