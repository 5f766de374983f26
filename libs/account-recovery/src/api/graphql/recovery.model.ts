import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { NodeModel, CustomerInput, CustomerRefModel, PageInfoModel } from '@kefu/platform';

export enum GqlRecoveryKind {
  LOCKED = 'locked',
  STOLEN = 'stolen',
  PASSWORD_RESET = 'password_reset',
}
registerEnumType(GqlRecoveryKind, {
  name: 'RecoveryKind',
  description: 'STOLEN freezes the account at once.',
});

export enum GqlRecoveryStatus {
  OPEN = 'open',
  AWAITING_VERIFICATION = 'awaiting_verification',
  VERIFICATION_SUBMITTED = 'verification_submitted',
  VERIFIED = 'verified',
  RESTORED = 'restored',
  CLOSED = 'closed',
  REJECTED = 'rejected',
  LOCKED_OUT = 'locked_out',
}
registerEnumType(GqlRecoveryStatus, { name: 'RecoveryStatus' });

@ObjectType('IdentityVerification', { description: 'Identity data is masked: documentNumberLast4 only.' })
export class IdentityVerificationModel {
  @Field(() => Date) submittedAt!: Date;
  @Field({ description: 'Masked unless you are the customer or a reviewer; [erased] after forgetCustomer.' })
  fullName!: string;
  @Field() documentType!: string;
  @Field() documentNumberLast4!: string;
  @Field(() => String, { nullable: true, description: 'approved or rejected once reviewed' })
  outcome!: string | null;
  @Field(() => Date, { nullable: true }) reviewedAt!: Date | null;
}

@ObjectType('RecoveryCase', { implements: () => [NodeModel] })
export class RecoveryCaseModel implements NodeModel {
  @Field(() => ID) id!: string;
  /** Not a field: RecoveryCase.ticket resolves it. */
  ticketId!: string;
  @Field(() => GqlRecoveryKind) kind!: GqlRecoveryKind;
  @Field(() => GqlRecoveryStatus) status!: GqlRecoveryStatus;
  @Field(() => CustomerRefModel) customer!: CustomerRefModel;
  @Field() accountFrozen!: boolean;
  @Field(() => Int) failedVerifications!: number;
  @Field(() => Date, { nullable: true }) lockedUntil!: Date | null;
  @Field(() => [IdentityVerificationModel]) verifications!: IdentityVerificationModel[];
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
  @Field(() => Int) version!: number;
}

@ObjectType('RecoveryCaseEdge')
export class RecoveryCaseEdgeModel {
  @Field() cursor!: string;
  @Field(() => RecoveryCaseModel) node!: RecoveryCaseModel;
}

@ObjectType('RecoveryCaseConnection')
export class RecoveryCaseConnectionModel {
  @Field(() => [RecoveryCaseEdgeModel]) edges!: RecoveryCaseEdgeModel[];
  @Field(() => PageInfoModel) pageInfo!: PageInfoModel;
  /** Not a field: totalCount is counted only when selected. */
  count!: () => Promise<number>;
}

@InputType('RecoveryCaseFilter')
export class RecoveryCaseFilterInput {
  @Field(() => [GqlRecoveryStatus], { nullable: true })
  @IsOptional()
  @IsEnum(GqlRecoveryStatus, { each: true })
  status?: GqlRecoveryStatus[] | null;

  @Field(() => [GqlRecoveryKind], { nullable: true })
  @IsOptional()
  @IsEnum(GqlRecoveryKind, { each: true })
  kind?: GqlRecoveryKind[] | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  customerId?: string | null;
}

@InputType('OpenRecoveryCaseInput')
export class OpenRecoveryCaseInput {
  @Field(() => GqlRecoveryKind) @IsEnum(GqlRecoveryKind) kind!: GqlRecoveryKind;

  @Field(() => CustomerInput, {
    nullable: true,
    description: 'Customers may leave it out: their own account.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => CustomerInput)
  customer?: CustomerInput | null;

  @Field() @IsString() @MaxLength(10_000) description!: string;

  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(35) language?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: "Link the customer's existing ticket instead of opening one.",
  })
  @IsOptional()
  @IsUUID()
  ticketId?: string | null;
}

@InputType('SubmitIdentityVerificationInput')
export class SubmitIdentityVerificationInput {
  @Field(() => ID) @IsUUID() caseId!: string;
  @Field() @IsString() @MaxLength(200) fullName!: string;
  @Field() @IsString() @MaxLength(40) documentType!: string;
  @Field({ description: 'Stored encrypted; never returned (only its last 4 characters).' })
  @IsString()
  @MaxLength(64)
  documentNumber!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(40) phone?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(320) email?: string | null;
}

@InputType('ReviewIdentityVerificationInput')
export class ReviewIdentityVerificationInput {
  @Field(() => ID) @IsUUID() caseId!: string;
  @Field() @IsBoolean() approved!: boolean;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(2000) reason?: string | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) expectedVersion?: number | null;
}

@InputType('RestoreAccountInput')
export class RestoreAccountInput {
  @Field(() => ID) @IsUUID() caseId!: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) expectedVersion?: number | null;
}

@InputType('RejectRecoveryCaseInput')
export class RejectRecoveryCaseInput {
  @Field(() => ID) @IsUUID() caseId!: string;
  @Field() @IsString() @MaxLength(2000) reason!: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) expectedVersion?: number | null;
}

@InputType('CloseRecoveryCaseInput')
export class CloseRecoveryCaseInput {
  @Field(() => ID) @IsUUID() caseId!: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) expectedVersion?: number | null;
}
