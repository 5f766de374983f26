import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { ERROR_CODES, ErrorCode } from '../errors/domain-error';
import { CATEGORY_HTTP } from '../errors/error-table';

class ProblemFieldError {
  @ApiProperty({ example: 'customer.id' }) field!: string;
  @ApiProperty({ example: 'must be a string' }) message!: string;
}

/** RFC 9457 problem details, as every REST error is returned (application/problem+json). */
export class ProblemResource {
  @ApiProperty({ example: 'https://kefu.dev/problems/validation-failed' }) type!: string;
  @ApiProperty({ example: 'Bad Request' }) title!: string;
  @ApiProperty({ example: 400 }) status!: number;
  @ApiProperty({ example: 'The request is not valid.' }) detail!: string;
  @ApiProperty({ enum: Object.keys(ERROR_CODES), example: 'validation_failed' }) code!: string;
  @ApiPropertyOptional({ type: [ProblemFieldError] }) errors?: ProblemFieldError[];
  @ApiProperty({ description: 'Quote it when reporting a problem' }) correlationId!: string;
}

/** Documents the problem responses a route can give, by error code. */
export function ApiProblems(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = CATEGORY_HTTP[ERROR_CODES[code]].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  // `content` without `type`: given a type, @nestjs/swagger would wrap it as application/json,
  // which is not what the server sends.
  return applyDecorators(
    ApiExtraModels(ProblemResource),
    ...[...byStatus].map(([status, list]) =>
      ApiResponse({
        status,
        description: list.join(' · '),
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemResource) } } },
      }),
    ),
  );
}
