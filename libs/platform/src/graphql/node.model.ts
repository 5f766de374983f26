import { Field, ID, InterfaceType, registerEnumType } from '@nestjs/graphql';

// GraphQL pieces every module shares (ADR 0015): the Relay Node interface and the contract's
// Channel enum.

/** The contract's `interface Node { id: ID! }`; Ticket, Agent, ApiKey and the case types implement it. */
@InterfaceType('Node', { description: 'An object with a globally stable id.' })
export abstract class NodeModel {
  @Field(() => ID)
  id!: string;
}

/** The contract's `Channel`; internal values are the lower-case channels of REST and API keys. */
export enum GraphqlChannel {
  APP = 'app',
  WEB = 'web',
  CHAT = 'chat',
  PHONE = 'phone',
  EMAIL = 'email',
  SOCIAL = 'social',
  PARTNER = 'partner',
}
registerEnumType(GraphqlChannel, { name: 'Channel', description: 'Where a case came in.' });
