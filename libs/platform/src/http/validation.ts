import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, FieldError } from '../errors/domain-error';

/** class-validator's tree → a flat list with dotted paths (`customer.id`, `tags.0`). */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {}))
      out.push({ field, message: unprefixed(message, e.property) });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

// class-validator starts most messages with the property name; the field already says it.
function unprefixed(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/**
 * The global pipe: unknown fields are refused, payloads are transformed into their DTO classes, and
 * failures are the domain's validation_failed (400 / BAD_USER_INPUT) with one entry per problem.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) => DomainError.validation(flattenValidationErrors(errors)),
  });
}
