import 'reflect-metadata';
import { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsString, Min, ValidateNested } from 'class-validator';
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
});
