import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidationTypes, ValidatorOptions, getMetadataStorage } from 'class-validator';
import { DomainError, FieldError } from '../errors/domain-error';
import { unknownId } from './rest-helpers';

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
 * Ids that refer to an existing object (`ticketId`, `agentId`, `caseId`) are opaque to clients: one
 * not of the shape Kefu issues (`@IsUUID()`) or longer than any it issues (`@MaxLength` on a `…Id`)
 * names nothing. It is not a field error: when it is the only problem the answer is 404 not_found,
 * as for an unknown id of the right shape.
 */
export function validationFailure(errors: ValidationError[]): DomainError {
  const fields = flattenValidationErrors(errors.map(withoutIdShapes).filter(hasProblems));
  if (fields.length) return DomainError.validation(fields);
  const id = findIdShapeError(errors);
  return unknownId(id ?? 'id', id ? id.replace(/Id$/, '') : 'object');
}

const isReference = (property: string) => /[a-z]Id$/.test(property);

function idShapeConstraints(e: ValidationError): string[] {
  return Object.keys(e.constraints ?? {}).filter(
    (c) => c === 'isUuid' || (c === 'maxLength' && isReference(e.property)),
  );
}

function withoutIdShapes(e: ValidationError): ValidationError {
  const shapes = new Set(idShapeConstraints(e));
  const constraints = Object.fromEntries(Object.entries(e.constraints ?? {}).filter(([c]) => !shapes.has(c)));
  return { ...e, constraints, children: e.children?.map(withoutIdShapes).filter(hasProblems) };
}

function hasProblems(e: ValidationError): boolean {
  return Object.keys(e.constraints ?? {}).length > 0 || (e.children?.length ?? 0) > 0;
}

function findIdShapeError(errors: ValidationError[] | undefined): string | undefined {
  for (const e of errors ?? []) {
    if (idShapeConstraints(e).length) return e.property;
    const inner = findIdShapeError(e.children);
    if (inner) return inner;
  }
  return undefined;
}

/**
 * The global pipe: unknown fields are refused, payloads are transformed into their DTO classes, and
 * failures are the domain's validation_failed (400 / BAD_USER_INPUT) with one entry per problem.
 */
export function createValidationPipe(): ValidationPipe {
  return new KefuValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: validationFailure,
  });
}

/**
 * class-validator skips `@ValidateNested()` when the value is absent, so a required nested object
 * (`customer`) was only caught later by the domain — after the pipe had already refused the body for
 * another field, hiding it. Here a nested property without `@IsOptional()` is required like any
 * other, and every missing one is listed with the rest, at any depth.
 */
class KefuValidationPipe extends ValidationPipe {
  protected override async validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, options);
    return mergeErrors(errors, missingNested(object));
  }
}

function missingNested(object: object, depth = 0): ValidationError[] {
  if (depth > 10 || typeof object !== 'object' || object === null) return [];
  const metas = getMetadataStorage().getTargetValidationMetadatas(object.constructor, '', true, false);
  const optional = new Set(
    metas.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION).map((m) => m.propertyName),
  );
  const out: ValidationError[] = [];
  for (const m of metas) {
    if (m.type !== ValidationTypes.NESTED_VALIDATION) continue;
    const value = (object as Record<string, unknown>)[m.propertyName];
    const at = { property: m.propertyName, children: [] as ValidationError[] };
    if (value === undefined || value === null) {
      if (!optional.has(m.propertyName)) out.push({ ...at, constraints: { isDefined: 'is required' } });
    } else {
      const items = Array.isArray(value) ? value : [value];
      const children = items.flatMap((v, i) =>
        Array.isArray(value)
          ? nonEmpty({ property: String(i), children: missingNested(v as object, depth + 1) })
          : missingNested(v as object, depth + 1),
      );
      if (children.length) out.push({ ...at, children });
    }
  }
  return out;
}

const nonEmpty = (e: ValidationError): ValidationError[] => (e.children?.length ? [e] : []);

/** The two lists as one tree (the same property may have errors in both). */
function mergeErrors(a: ValidationError[], b: ValidationError[]): ValidationError[] {
  const out = [...a];
  for (const e of b) {
    const same = out.findIndex((x) => x.property === e.property);
    if (same < 0) out.push(e);
    else {
      const x = out[same];
      out[same] = {
        ...x,
        constraints: { ...x.constraints, ...e.constraints },
        children: mergeErrors(x.children ?? [], e.children ?? []),
      };
    }
  }
  return out;
}
