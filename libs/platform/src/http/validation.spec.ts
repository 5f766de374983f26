import 'reflect-metadata';
import { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { DomainError } from '../errors/domain-error';
import { createValidationPipe } from './validation';

class CustomerDto {
  @IsString() id!: string;
}
class OpenDto {
  @IsString() subject!: string;
  @IsInt() @Min(1) amount!: number;
  @ValidateNested() @Type(() => CustomerDto) customer!: CustomerDto;
}

class LinkDto {
  @IsUUID() ticketId!: string;
  @IsOptional() @ValidateNested() @Type(() => CustomerDto) customer?: CustomerDto;
  @ValidateNested({ each: true }) @Type(() => OpenDto) items!: OpenDto[];
}

describe('the global validation pipe', () => {
  const pipe = createValidationPipe();
  const meta: ArgumentMetadata = { type: 'body', metatype: OpenDto };

  it('transforms valid bodies into their DTO', async () => {
    const out = await pipe.transform({ subject: 's', amount: 2, customer: { id: 'c-1' } }, meta);
    expect(out).toBeInstanceOf(OpenDto);
    expect((out as OpenDto).customer).toBeInstanceOf(CustomerDto);
  });

  it('throws validation_failed with nested field paths and refuses unknown fields', async () => {
    const err = await pipe
      .transform({ subject: 1, amount: 0, customer: { id: 2, extra: true }, other: 1 }, meta)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    const fields = (err as DomainError).details.errors?.map((e) => e.field).sort();
    expect(fields).toEqual(['amount', 'customer.extra', 'customer.id', 'other', 'subject']);
    expect((err as DomainError).code).toBe('validation_failed');
  });

  it('lists a missing required nested object with the other missing fields, at any depth', async () => {
    const err = await pipe.transform({ amount: 2 }, meta).catch((e: unknown) => e);
    expect((err as DomainError).details.errors).toEqual([
      { field: 'subject', message: 'must be a string' },
      { field: 'customer', message: 'is required' },
    ]);
    const deep = await pipe
      .transform(
        { ticketId: '6f1c7c1e-5b7a-4d53-9d2e-1f0b9a3c2d11', items: [{ subject: 's', amount: 1 }] },
        { type: 'body', metatype: LinkDto },
      )
      .catch((e: unknown) => e);
    expect((deep as DomainError).details.errors).toEqual([
      { field: 'items.0.customer', message: 'is required' },
    ]);
  });

  it('an optional nested object may be absent', async () => {
    const out = await pipe.transform(
      { ticketId: '6f1c7c1e-5b7a-4d53-9d2e-1f0b9a3c2d11', items: [] },
      { type: 'body', metatype: LinkDto },
    );
    expect(out).toBeInstanceOf(LinkDto);
  });

  it('an id of a shape Kefu never issues is not_found alone, and no field error among others', async () => {
    const link: ArgumentMetadata = { type: 'body', metatype: LinkDto };
    const alone = await pipe.transform({ ticketId: 'nope', items: [] }, link).catch((e: unknown) => e);
    expect(alone).toMatchObject({ code: 'not_found' });
    const mixed = await pipe.transform({ ticketId: 'nope' }, link).catch((e: unknown) => e);
    expect(mixed).toMatchObject({ code: 'validation_failed' });
    expect((mixed as DomainError).details.errors?.map((e) => e.field)).toEqual(['items']);
  });
});
