import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

/** The contract's `Role`; internal values are the lower-case roles of tokens and REST. */
export enum GraphqlRole {
  CUSTOMER = 'customer',
  AGENT = 'agent',
  SENIOR_AGENT = 'senior_agent',
  SUPERVISOR = 'supervisor',
  ADMIN = 'admin',
}
registerEnumType(GraphqlRole, { name: 'Role' });

@ObjectType('Viewer', { description: 'The signed-in user.' })
export class ViewerModel {
  @Field(() => ID)
  id!: string;

  @Field(() => GraphqlRole)
  role!: GraphqlRole;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => ID, { nullable: true })
  customerId?: string | null;
}
