import { Injectable } from '@nestjs/common';
import {
  CommandResult,
  CommandRunner,
  ConcurrencyError,
  DomainError,
  IdempotencyRequest,
  PiiVault,
  Principal,
  Tx,
  fromRuleError,
  loadState,
  Sealer,
  sealingDecider,
  withDomainErrors,
} from '@kefu/platform';
import {
  Decider,
  STAFF_ROLES,
  CHANNELS,
  Category,
  Channel,
  CustomerRef,
  SYSTEM,
  Violations,
  optionalText,
} from '@kefu/kernel';
import { TicketsService } from '@kefu/tickets';
import { randomUUID } from 'node:crypto';
import {
  AnswerSessionState,
  answerSessionDecider,
  validateLanguage,
  validateQuestion,
} from '../domain/answer-session.decider';
import {
  ANSWER_SESSION_STREAM_TYPE,
  AnswerSessionCommand,
  AnswerSessionEvent,
  Asker,
  COMMENT_MAX_CHARS,
  HandOverToHuman,
} from '../domain/answer-session.events';
import { suggestPriority } from '../domain/priority';
import { AnswerSessionViewProjection } from '../projections/answer-session-view.projection';
import { AnswerEngine } from './answer-engine';
import { AnswerQueries } from './answer-queries';
import { AnswerSessionView } from './answer-session-view';
import { AnswerTokens } from './answer-tokens';
import { handoverNote, ticketSubject } from './handover-note';

type SessionDecider = Decider<AnswerSessionState, AnswerSessionCommand, AnswerSessionEvent>;
const decider: SessionDecider = withDomainErrors(answerSessionDecider);
const STAFF: readonly string[] = STAFF_ROLES;

export interface SuggestRequest {
  question: unknown;
  language?: unknown;
  channel?: unknown;
  /** Partners may name the wallet account; a customer is always their own. */
  customerId?: unknown;
}

export interface HandOverRequest {
  token?: string | null;
  /** The customer may correct the suggested category. */
  category?: Category | null;
  /** Anything the customer adds for the person who picks it up. */
  comment?: string | null;
  /** Partners: the wallet account (when the session has none) and its contact details. */
  customer?: CustomerRef | null;
}

export interface SessionOptions {
  expectedVersion?: number;
  idempotency?: IdempotencyRequest;
}

/** The session as answered to its asker: an anonymous visitor also gets the session's token. */
export type AnsweredSession = AnswerSessionView & { token: string | null };

/** The self-service answers: suggest, then resolved by an article or handed over to a person. */
@Injectable()
export class AnswersService {
  constructor(
    private readonly commands: CommandRunner,
    private readonly engine: AnswerEngine,
    private readonly queries: AnswerQueries,
    private readonly projection: AnswerSessionViewProjection,
    private readonly tokens: AnswerTokens,
    private readonly vault: PiiVault,
    private readonly tickets: TicketsService,
  ) {}

  async suggest(
    p: Principal | undefined,
    req: SuggestRequest,
    opts: SessionOptions = {},
  ): Promise<CommandResult<AnsweredSession>> {
    const asker = askerOf(p);
    const v = new Violations();
    const question = validateQuestion(v, req.question);
    const language = validateLanguage(v, req.language);
    const channel = req.channel ?? (p?.kind === 'partner' ? p.channel : 'web');
    if (!(CHANNELS as readonly unknown[]).includes(channel))
      v.add('channel', `must be one of ${CHANNELS.join(', ')}`);
    const named = optionalText(v, 'customer.id', req.customerId, 200);
    rules(() => v.throwIfAny());
    const customerId = asker.kind === 'customer' ? asker.customerId : named;
    if (asker.kind === 'customer' && named !== undefined && named !== asker.customerId)
      throw DomainError.forbidden('Customers ask for their own account only.');
    const s = await this.engine.suggest({ question, ...(language ? { language } : {}) });
    const r = await this.commands.transaction(
      { idempotency: opts.idempotency, successStatus: 201 },
      async (tx) => {
        const sessionId = randomUUID();
        const seal = await this.vault.sealerFor(tx, customerId ?? anonymousSubject(sessionId));
        await this.handleIn(tx, sessionId, seal, {
          type: 'SuggestAnswers',
          now: this.commands.now(),
          data: {
            asker,
            sessionId,
            question,
            language: s.language,
            languageSource: language ? 'given' : s.detected.source,
            detectedLanguage: s.detected.language,
            suggestedCategory: s.category,
            categoryConfidence: round(s.categoryConfidence),
            suggestedPriority: s.priority,
            priorityReason: s.priorityReason,
            articles: s.articles.map((a) => ({
              articleId: a.article.id,
              title: a.article.title,
              category: a.article.category,
              language: a.article.language,
              score: a.score,
              snippet: a.snippet,
            })),
            channel: channel as Channel,
            ...(customerId ? { customerId } : {}),
          },
        });
        return (await this.queries.byIdIn(tx, sessionId))!;
      },
    );
    return this.answered(r, asker.kind === 'anonymous');
  }

  /** The customer says an article answered the question: a deflection, no ticket. */
  async accept(
    p: Principal | undefined,
    id: string,
    req: { articleId: string; token?: string | null },
    opts: SessionOptions = {},
  ): Promise<CommandResult<AnsweredSession>> {
    const asker = askerOf(p);
    const r = await this.commands.transaction(
      { idempotency: opts.idempotency, expectedVersion: opts.expectedVersion },
      async (tx) => {
        const command: AnswerSessionCommand = {
          type: 'AcceptAnswer',
          now: this.commands.now(),
          data: { asker, tokenValid: this.tokens.isValid(id, req.token), articleId: req.articleId },
        };
        await this.handleIn(tx, id, undefined, command, opts.expectedVersion);
        return (await this.queries.byIdIn(tx, id))!;
      },
    );
    return this.answered(r, false);
  }

  /**
   * A person takes over: in one transaction, a ticket opens with the question as its description,
   * the suggested (or corrected) category and priority, and an internal note listing the articles the
   * customer already saw, and the session records the ticket. Nothing is opened if the session refuses.
   */
  async handOver(
    p: Principal | undefined,
    id: string,
    req: HandOverRequest,
    opts: SessionOptions = {},
  ): Promise<CommandResult<AnsweredSession>> {
    if (!p)
      throw new DomainError(
        'unauthenticated',
        'Sign in to talk to a person; your question and its answers are kept.',
      );
    const asker = askerOf(p);
    const v = new Violations();
    const comment = optionalText(v, 'comment', req.comment, COMMENT_MAX_CHARS);
    rules(() => v.throwIfAny());
    const r = await this.commands.transaction(
      {
        idempotency: opts.idempotency,
        successStatus: 201,
        expectedVersion: opts.expectedVersion,
      },
      async (tx) => {
        const { state, version } = await loadState(this.commands.store, tx, id, decider);
        const view = await this.queries.byIdIn(tx, id);
        const customerId =
          asker.kind === 'customer'
            ? asker.customerId
            : // A partner's customer.id must match the session's (the decider checks it).
              req.customer?.id?.trim() || state.customerId || '';
        const question = view ? await this.vault.reveal(view.question, tx) : '';
        const category = req.category ?? view?.suggestedCategory ?? 'other';
        const priority =
          view && category === view.suggestedCategory
            ? view.suggestedPriority
            : suggestPriority(category, question).priority;
        const command: HandOverToHuman = {
          type: 'HandOverToHuman',
          now: this.commands.now(),
          data: {
            asker,
            tokenValid: this.tokens.isValid(id, req.token),
            ticketId: 'pending',
            category,
            priority,
            customerId,
          },
        };
        // Refusals (not yours, already handed over, no customer) before any ticket exists.
        rules(() => decider.decide(command, state));
        if (opts.expectedVersion !== undefined && opts.expectedVersion !== version)
          throw new ConcurrencyError(id, String(opts.expectedVersion), version);
        const ticket = await this.tickets.openIn(tx, p, {
          subject: ticketSubject(question),
          description: comment ? `${question}\n\n${comment}` : question,
          category,
          priority,
          language: view!.language,
          channel: view!.channel,
          customer: { ...(asker.kind === 'partner' ? (req.customer ?? {}) : {}), id: customerId },
          tags: ['self-service'],
        });
        await this.tickets.executeIn(tx, SYSTEM, ticket.id, 'AddInternalNote', {
          messageId: randomUUID(),
          body: handoverNote(view!),
        });
        // An anonymous (or unnamed) session now has its customer: the question is sealed again with their key.
        const reseal = state.customerId === undefined;
        await this.handleIn(
          tx,
          id,
          reseal ? await this.vault.sealerFor(tx, customerId) : undefined,
          {
            ...command,
            data: { ...command.data, ticketId: ticket.id, ...(reseal ? { question } : {}) },
          },
          version,
        );
        return (await this.queries.byIdIn(tx, id))!;
      },
    );
    return this.answered(r, false);
  }

  private async handleIn(
    tx: Tx,
    id: string,
    seal: ((clear: string) => string) | undefined,
    command: AnswerSessionCommand,
    expectedVersion?: number,
  ): Promise<void> {
    const isNew = command.type === 'SuggestAnswers';
    await this.commands.handleIn(tx, {
      streamType: ANSWER_SESSION_STREAM_TYPE,
      streamId: id,
      decider: seal ? sealingQuestion(seal) : decider,
      command,
      isNew,
      expectedVersion,
      mustExist: isNew ? undefined : { what: 'Answer session', id },
      project: (t, events) => this.projection.apply(t, events),
      respond: () => Promise.resolve(undefined),
    });
  }

  /** Opens the question; the stored idempotent response keeps it sealed and carries no token. */
  private async answered(
    r: CommandResult<AnswerSessionView>,
    anonymous: boolean,
  ): Promise<CommandResult<AnsweredSession>> {
    const view = await this.queries.reveal(r.result);
    return { ...r, result: { ...view, token: anonymous ? this.tokens.tokenFor(view.id) : null } };
  }
}

/** The key an anonymous visitor's question is sealed with (no customer to attach it to yet). */
export function anonymousSubject(sessionId: string): string {
  return `answer-session-${sessionId}`;
}

function askerOf(p: Principal | undefined): Asker {
  if (!p) return { kind: 'anonymous' };
  if (p.kind === 'partner') return { kind: 'partner', id: p.partner };
  if (STAFF.includes(p.role))
    throw DomainError.forbidden(
      'Answer sessions are the customer’s own; staff search articles with helpArticles.',
    );
  if (!p.customerId) throw DomainError.forbidden('A customer token without a customerId.');
  return { kind: 'customer', id: p.sub, customerId: p.customerId };
}

/** The decider, sealing the question of the events it emits (it sees the question clear). */
const QUESTION_EVENTS: ReadonlySet<string> = new Set(['AnswersSuggested', 'HandedOverToHuman']);
function sealingQuestion(seal: Sealer): SessionDecider {
  return sealingDecider(decider, seal, (e) => (QUESTION_EVENTS.has(e.type) ? ['question'] : []));
}

function rules<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw fromRuleError(e);
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;
