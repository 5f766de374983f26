import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CATEGORIES, CHANNELS, PRIORITIES, TIERS } from '@kefu/kernel';
import { TICKET_STATUSES } from '../../domain/ticket.types';
import { MessageView, TicketView } from '../../application/ticket-view';
import { AttachmentDto, CustomerDto, TransactionDto } from './ticket.dto';

export class TicketSlaResource {
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'null until an SLA policy applies',
  })
  firstResponseDueAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  resolutionDueAt!: string | null;
}

export class AuthorResource {
  @ApiProperty({ enum: ['customer', 'agent', 'system', 'partner'] }) kind!: string;
  @ApiPropertyOptional() id?: string;
  @ApiPropertyOptional() name?: string;
}

export class MessageResource {
  @ApiProperty() id!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ type: AuthorResource }) author!: AuthorResource;
  @ApiProperty({ type: [AttachmentDto] }) attachments!: AttachmentDto[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class TicketResource {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'KF-000123' }) number!: string;
  @ApiProperty() subject!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: CATEGORIES }) category!: string;
  @ApiProperty({ enum: PRIORITIES }) priority!: string;
  @ApiProperty({ enum: TICKET_STATUSES }) status!: string;
  @ApiProperty({ enum: CHANNELS }) channel!: string;
  @ApiProperty() language!: string;
  @ApiProperty({ type: CustomerDto }) customer!: CustomerDto;
  @ApiProperty({ type: TransactionDto, nullable: true }) transaction!: TransactionDto | null;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ type: [String], description: "The customer's segments (e.g. vip) when the ticket opened" })
  segments!: string[];
  @ApiProperty({ description: 'A VIP customer: first in its priority band in agent queues' }) vip!: boolean;
  @ApiProperty({ enum: TIERS }) tier!: string;
  @ApiProperty() escalationLevel!: number;
  @ApiProperty({ type: String, nullable: true }) assigneeId!: string | null;
  @ApiProperty({ type: String, nullable: true }) externalRef!: string | null;
  @ApiProperty() escalationRequested!: boolean;
  @ApiProperty({ type: TicketSlaResource }) sla!: TicketSlaResource;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({
    description:
      'Increases with every change a person or a business rule makes (not with SLA timers or routing); pass it as expectedVersion',
  })
  version!: number;
}

export class TicketWithMessagesResource extends TicketResource {
  @ApiProperty({ type: [MessageResource], description: 'Public messages only, oldest first' })
  messages!: MessageResource[];
}

export class TicketListResource {
  @ApiProperty({ type: [TicketResource] }) data!: TicketResource[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export function toTicketResource(t: TicketView): TicketResource {
  return {
    id: t.id,
    number: t.number,
    subject: t.subject,
    description: t.description,
    category: t.category,
    priority: t.priority,
    status: t.status,
    channel: t.channel,
    language: t.language,
    customer: t.customer,
    transaction: t.transaction,
    tags: t.tags,
    segments: t.segments ?? [],
    vip: t.vip ?? false,
    tier: t.tier,
    escalationLevel: t.escalationLevel,
    assigneeId: t.assigneeId,
    externalRef: t.externalRef,
    escalationRequested: t.escalationRequested,
    sla: {
      firstResponseDueAt: t.sla.firstResponse?.dueAt ?? null,
      resolutionDueAt: t.sla.resolution?.dueAt ?? null,
    },
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    version: t.clientVersion,
  };
}

export function toMessageResource(m: MessageView): MessageResource {
  return { id: m.id, body: m.body, author: m.author, attachments: m.attachments, createdAt: m.createdAt };
}
