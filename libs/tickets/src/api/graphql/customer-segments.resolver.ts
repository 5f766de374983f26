import { Args, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { IsArray, IsString, MaxLength } from 'class-validator';
import { CurrentPrincipal, Principal } from '@kefu/platform';
import { CustomerSegmentsService, CustomerSegmentsView } from '../../application/customer-segments.service';

@ObjectType('CustomerSegments')
export class CustomerSegmentsModel {
  @Field(() => ID) customerId!: string;
  @Field(() => [String], {
    description: 'Set by an admin; tickets the customer opens from now on carry them.',
  })
  segments!: string[];
  @Field(() => Date, { nullable: true }) updatedAt!: Date | null;
}

@InputType('SetCustomerSegmentsInput')
export class SetCustomerSegmentsInput {
  @Field(() => ID, { description: "The partner's account id of the customer" })
  @IsString()
  @MaxLength(200)
  customerId!: string;

  @Field(() => [String], { description: 'The whole list (e.g. ["vip"]); [] clears it' })
  @IsArray()
  @IsString({ each: true })
  segments!: string[];
}

const toModel = (v: CustomerSegmentsView): CustomerSegmentsModel => ({
  ...v,
  updatedAt: v.updatedAt ? new Date(v.updatedAt) : null,
});

/** Customer segments (VIP): admins set them on an account; staff read them. */
@Resolver(() => CustomerSegmentsModel)
export class CustomerSegmentsResolver {
  constructor(private readonly segments: CustomerSegmentsService) {}

  @Query(() => CustomerSegmentsModel, { description: "A customer's admin-set segments (staff)." })
  async customerSegments(
    @CurrentPrincipal() p: Principal,
    @Args('customerId', { type: () => ID }) customerId: string,
  ): Promise<CustomerSegmentsModel> {
    return toModel(await this.segments.get(p, customerId));
  }

  @Mutation(() => CustomerSegmentsModel, {
    description:
      'Admins: sets the segments of a customer account (e.g. vip). Tickets opened afterwards carry them (with any the partner gives); SLA policies match on them.',
  })
  async setCustomerSegments(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: SetCustomerSegmentsInput,
  ): Promise<CustomerSegmentsModel> {
    return toModel(await this.segments.set(p, input.customerId, input.segments));
  }
}
