import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { NodeModel, CustomerRefModel, PageInfoModel } from '@kefu/platform';
import { FeedbackKind } from '../../domain/feedback';
import { SurveyStatus } from '../../domain/survey';
import { SatisfactionGroup } from '../../application/satisfaction.queries';
import { FeedbackView } from '../../application/feedback.service';
import { ScheduledSurvey, SurveyView } from '../../application/survey-view';

export enum GqlFeedbackKind {
  SUGGESTION = 'suggestion',
  PRAISE = 'praise',
  COMPLAINT = 'complaint',
}
registerEnumType(GqlFeedbackKind, { name: 'FeedbackKind' });

export enum GqlSurveyStatus {
  SCHEDULED = 'scheduled',
  SENT = 'sent',
  RESPONDED = 'responded',
  EXPIRED = 'expired',
}
registerEnumType(GqlSurveyStatus, { name: 'SurveyStatus' });

export enum GqlSatisfactionGroup {
  AGENT = 'agent',
  TEAM = 'team',
  CATEGORY = 'category',
  CHANNEL = 'channel',
}
registerEnumType(GqlSatisfactionGroup, {
  name: 'SatisfactionGroup',
  description: 'TEAM is the tier queue (L1, L2, L3) the ticket was in when solved.',
});

// Keep the GraphQL enums in step with the domain lists (a value on one side only fails to compile).
type Same<A extends string, B extends string> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const ENUMS_IN_STEP: [
  Same<`${GqlFeedbackKind}`, FeedbackKind>,
  Same<`${GqlSurveyStatus}`, SurveyStatus>,
  Same<`${GqlSatisfactionGroup}`, SatisfactionGroup>,
] = [true, true, true];

@ObjectType('Survey', { implements: () => [NodeModel] })
export class SurveyModel implements NodeModel {
  @Field(() => ID) id!: string;
  /** Resolved by a field resolver. */
  ticketId!: string;
  @Field(() => GqlSurveyStatus) status!: SurveyStatus;
  @Field(() => Date, { nullable: true }) sentAt!: Date | null;
  @Field(() => Date, { nullable: true }) respondedAt!: Date | null;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => Int, { nullable: true }) score!: number | null;
  @Field(() => String, { nullable: true }) comment!: string | null;
}

export function toSurveyModel(v: SurveyView | ScheduledSurvey, now = Date.now()): SurveyModel {
  if (v.status === 'scheduled')
    return Object.assign(new SurveyModel(), {
      id: v.id,
      ticketId: v.ticketId,
      status: 'scheduled',
      sentAt: null,
      respondedAt: null,
      expiresAt: null,
      score: null,
      comment: null,
    });
  const expired = v.status === 'sent' && now >= Date.parse(v.expiresAt);
  return Object.assign(new SurveyModel(), {
    id: v.id,
    ticketId: v.ticketId,
    status: expired ? 'expired' : v.status,
    sentAt: new Date(v.sentAt),
    respondedAt: v.respondedAt ? new Date(v.respondedAt) : null,
    expiresAt: new Date(v.expiresAt),
    score: v.score,
    comment: v.comment,
  });
}

@ObjectType('PendingSurvey', {
  description:
    'A satisfaction survey waiting for the signed-in customer (app, web and chat tickets): answer it with respondToSurvey(token).',
})
export class PendingSurveyModel {
  @Field(() => SurveyModel) survey!: SurveyModel;
  @Field(() => String, {
    description: "The survey's answer token, as in the link the partner webhook carries.",
  })
  token!: string;
}

@ObjectType('SurveySettings')
export class SurveySettingsModel {
  @Field(() => Int) delaySeconds!: number;
  @Field(() => Int) reminderAfterSeconds!: number;
  @Field(() => Int) expiresAfterSeconds!: number;
}

@ObjectType('Feedback', { implements: () => [NodeModel] })
export class FeedbackModel implements NodeModel {
  @Field(() => ID) id!: string;
  @Field(() => GqlFeedbackKind) kind!: FeedbackKind;
  @Field(() => String) body!: string;
  @Field(() => CustomerRefModel) customer!: CustomerRefModel;
  ticketId!: string | null;
  agentId!: string | null;
  @Field(() => Date) createdAt!: Date;
}

export function toFeedbackModel(v: FeedbackView): FeedbackModel {
  return Object.assign(new FeedbackModel(), {
    id: v.id,
    kind: v.kind,
    body: v.body,
    customer: { id: v.customerId, name: null, email: null, phone: null },
    ticketId: v.ticketId,
    agentId: v.agentId,
    createdAt: new Date(v.createdAt),
  });
}

@ObjectType('FeedbackEdge')
export class FeedbackEdgeModel {
  @Field(() => String) cursor!: string;
  @Field(() => FeedbackModel) node!: FeedbackModel;
}

@ObjectType('FeedbackConnection')
export class FeedbackConnectionModel {
  @Field(() => [FeedbackEdgeModel]) edges!: FeedbackEdgeModel[];
  @Field(() => PageInfoModel) pageInfo!: PageInfoModel;
  @Field(() => Int) totalCount!: number;
}

@ObjectType('SatisfactionStat')
export class SatisfactionStatModel {
  @Field(() => String, { description: 'Agent id (or `unassigned`), tier, category or channel.' })
  key!: string;
  @Field(() => String) label!: string;
  @Field(() => Int, { description: 'Survey answers given in the period.' }) responses!: number;
  @Field(() => Float, { nullable: true }) averageScore!: number | null;
  @Field(() => Float, { nullable: true, description: 'Share of answers scoring 4 or 5 (0..1).' })
  csat!: number | null;
  @Field(() => Int, { description: 'Surveys sent in the period.' }) sent!: number;
  @Field(() => Float, {
    nullable: true,
    description: 'Of the surveys sent in the period, the share answered.',
  })
  responseRate!: number | null;
}
