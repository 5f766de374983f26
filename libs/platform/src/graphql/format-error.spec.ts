import { BadRequestException, InternalServerErrorException, UnauthorizedException } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { DomainError } from '../errors/domain-error';
import { formatGraphqlError, variableFieldError } from './format-error';

const wrapped = (original: Error) =>
  new GraphQLError(original.message, { path: ['x'], originalError: original });
const formattedOf = (e: GraphQLError) => e.toJSON();

describe('formatGraphqlError', () => {
  it('gives DomainErrors their contract code and field list', () => {
    const e = wrapped(DomainError.validation([{ field: 'input.subject', message: 'required' }]));
    expect(formatGraphqlError(formattedOf(e), e)).toEqual({
      message: 'The request is not valid.',
      path: ['x'],
      extensions: { code: 'BAD_USER_INPUT', errors: [{ field: 'input.subject', message: 'required' }] },
    });
    const nf = wrapped(DomainError.notFound('Ticket', 't-1'));
    expect(formatGraphqlError(formattedOf(nf), nf).extensions).toEqual({ code: 'NOT_FOUND' });
  });

  it("keeps Apollo's request error codes without stack traces", () => {
    const formatted = {
      message: 'Cannot query field "x"',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['a'] },
    };
    expect(formatGraphqlError(formatted, new GraphQLError('x'))).toEqual({
      message: 'Cannot query field "x"',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it("answers graphql-js's variable error limit as BAD_USER_INPUT (found by fuzzing: was internal)", () => {
    const e = new GraphQLError(
      'Too many errors processing variables, error limit reached. Execution aborted.',
    );
    expect(formatGraphqlError(formattedOf(e), e).extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });

  it('maps Nest HTTP exceptions', () => {
    const e = wrapped(new UnauthorizedException('no'));
    expect(formatGraphqlError(formattedOf(e), e).extensions?.code).toBe('UNAUTHENTICATED');
    const bad = wrapped(new BadRequestException('bad'));
    expect(formatGraphqlError(formattedOf(bad), bad).extensions?.code).toBe('BAD_USER_INPUT');
    const boom = wrapped(new InternalServerErrorException('db password=x'));
    const out = formatGraphqlError(formattedOf(boom), boom);
    expect(out.message).toBe('Internal server error');
    expect(out.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  });

  it('hides unknown errors', () => {
    const e = wrapped(new Error('connection string postgres://secret'));
    const out = formatGraphqlError(
      { ...formattedOf(e), extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['s'] } },
      e,
    );
    expect(out.message).toBe('Internal server error');
    expect(out.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', correlationId: expect.any(String) });
  });
});

describe('variableFieldError', () => {
  it.each([
    [
      'Variable "$i" got invalid value {}; Field "subject" of required type "String!" was not provided.',
      { field: 'subject', message: 'is required' },
    ],
    [
      'Variable "$i" got invalid value { amount: 1 } at "i.transaction"; Field "id" of required type "ID!" was not provided.',
      { field: 'transaction.id', message: 'is required' },
    ],
    [
      'Variable "$i" got invalid value "x" at "i.tags[2]"; String cannot represent a non string value: 1',
      { field: 'tags.2', message: 'String cannot represent a non string value: 1' },
    ],
    [
      'Variable "$i" got invalid value { x: 1 }; Field "x" is not defined by type "CreateTicketInput".',
      { field: 'x', message: 'is not a field of this input' },
    ],
    [
      'Variable "$id" got invalid value 5; ID cannot represent value: 5',
      { field: 'id', message: 'ID cannot represent value: 5' },
    ],
  ])('%s', (message, expected) => {
    expect(variableFieldError(message)).toEqual(expected);
  });

  it('is undefined for other errors', () => {
    expect(variableFieldError('Cannot query field "nope" on type "Query".')).toBeUndefined();
  });
});
