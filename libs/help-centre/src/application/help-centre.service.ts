import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { DomainError, FieldError } from '@kefu/platform';
import { CATEGORIES, CHANNELS, Category, Channel } from '@kefu/kernel';
import { cjkIndexTerms, cjkQueryTerms, cjkTsquery, splitScripts } from '../domain/cjk-search';

export interface HelpArticleView {
  id: string;
  title: string;
  body: string;
  category: Category;
  language: string;
  updatedAt: string;
}

export interface SupportChannelView {
  channel: Channel;
  name: string;
  contact: string | null;
  opensAt: string | null;
  closesAt: string | null;
  alwaysOpen: boolean;
}

export interface UpsertArticleInput {
  id?: string;
  title: string;
  body: string;
  category: string;
  language: string;
}

export interface UpsertChannelInput {
  channel: string;
  name: string;
  contact?: string;
  opensAt?: string;
  closesAt?: string;
  alwaysOpen: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
export const MAX_ARTICLE_PAGE = 100;

interface ArticleRow {
  id: string;
  title: string;
  body: string;
  category: Category;
  language: string;
  updated_at: Date;
}

const toArticle = (r: ArticleRow): HelpArticleView => ({
  id: r.id,
  title: r.title,
  body: r.body,
  category: r.category,
  language: r.language,
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** The search vector: English-stemmed words plus CJK unigrams/bigrams; titles weigh more (ADR 0005). */
const SEARCH_SQL = `setweight(to_tsvector('english', $2), 'A') || setweight(array_to_tsvector($3::text[]), 'A')
   || setweight(to_tsvector('english', $4), 'B') || setweight(array_to_tsvector($5::text[]), 'B')`;

function searchParams(title: string, body: string): unknown[] {
  return [splitScripts(title).latin, cjkIndexTerms(title), splitScripts(body).latin, cjkIndexTerms(body)];
}

/**
 * Help articles (content, not cases: plain rows, edited in place) and the support channels'
 * opening hours and contacts. Frontends read both without credentials.
 */
@Injectable()
export class HelpCentreService {
  constructor(private readonly ds: DataSource) {}

  async upsertArticle(input: UpsertArticleInput): Promise<HelpArticleView> {
    const errors: FieldError[] = [];
    const title = input.title?.trim() ?? '';
    const body = input.body?.trim() ?? '';
    if (!title || [...title].length > 200)
      errors.push({ field: 'title', message: 'must be 1 to 200 characters' });
    if (!body || [...body].length > 20_000)
      errors.push({ field: 'body', message: 'must be 1 to 20000 characters' });
    if (!(CATEGORIES as readonly string[]).includes(input.category))
      errors.push({ field: 'category', message: `must be one of ${CATEGORIES.join(', ')}` });
    if (!LANGUAGE.test(input.language ?? ''))
      errors.push({ field: 'language', message: 'must be a BCP 47 tag such as en or zh-CN' });
    if (input.id !== undefined && !UUID.test(input.id))
      errors.push({ field: 'id', message: 'must be a UUID' });
    if (errors.length) throw DomainError.validation(errors);
    const id = input.id ?? randomUUID();
    const rows = (await this.ds.query(
      `INSERT INTO help_articles (id, title, body, category, language, search, created_at, updated_at)
       VALUES ($1, $6, $7, $8, $9, ${SEARCH_SQL}, now(), now())
       ON CONFLICT (id) DO UPDATE SET title = $6, body = $7, category = $8, language = $9,
         search = ${SEARCH_SQL}, updated_at = now()
       RETURNING id, title, body, category, language, updated_at`,
      [id, ...searchParams(title, body), title, body, input.category, input.language],
    )) as ArticleRow[];
    return toArticle(rows[0]);
  }

  /**
   * Articles by category and language (`zh` also finds `zh-CN`), and by text: English words are
   * stemmed, Chinese words matched by their character bigrams; best matches first.
   */
  async searchArticles(
    filter: { query?: string; category?: string; language?: string },
    first: number,
    after?: string,
  ): Promise<{
    items: Array<{ cursor: string; node: HelpArticleView }>;
    hasNextPage: boolean;
    totalCount: number;
  }> {
    const offset = after === undefined ? 0 : decodeOffset(after);
    const query = filter.query?.trim() ?? '';
    if ([...query].length > 200)
      throw DomainError.validation([{ field: 'query', message: 'must be at most 200 characters' }]);
    const { latin } = splitScripts(query);
    const terms = cjkQueryTerms(query);
    const where = `
      ($3::text IS NULL OR a.category = $3)
      AND ($4::text IS NULL OR lower(a.language) = lower($4) OR lower(a.language) LIKE lower($4) || '-%')
      AND (q.lq IS NULL OR a.search @@ q.lq) AND (q.cq IS NULL OR a.search @@ q.cq)`;
    const from = `help_articles a, (SELECT
        CASE WHEN numnode(websearch_to_tsquery('english', $1)) > 0 THEN websearch_to_tsquery('english', $1) END AS lq,
        CASE WHEN $2 <> '' THEN $2::tsquery END AS cq) q`;
    const count = async (p: unknown[]) =>
      (
        (await this.ds.query(`SELECT count(*)::int AS n FROM ${from} WHERE ${where}`, p)) as Array<{
          n: number;
        }>
      )[0]?.n ?? 0;
    const category = filter.category ?? null;
    const language = filter.language ?? null;
    let params: unknown[] = [latin, cjkTsquery(terms), category, language];
    let totalCount = await count(params);
    // Chinese typed without spaces often spans words ("退款到账" for "退款还没到账"): when all the
    // bigrams together find nothing, any of them will do, best-ranked first.
    if (totalCount === 0 && terms.length > 1) {
      params = [latin, cjkTsquery(terms, 'any'), category, language];
      totalCount = await count(params);
    }
    const rows = (await this.ds.query(
      `SELECT a.id, a.title, a.body, a.category, a.language, a.updated_at
         FROM ${from} WHERE ${where}
        ORDER BY coalesce(ts_rank(a.search, q.lq), 0) + coalesce(ts_rank(a.search, q.cq), 0) DESC, a.updated_at DESC, a.id
        LIMIT $5 OFFSET $6`,
      [...params, first + 1, offset],
    )) as ArticleRow[];
    return {
      items: rows
        .slice(0, first)
        .map((r, i) => ({ cursor: encodeOffset(offset + i + 1), node: toArticle(r) })),
      hasNextPage: rows.length > first,
      totalCount,
    };
  }

  async channels(): Promise<SupportChannelView[]> {
    const rows = (await this.ds.query(
      `SELECT channel, name, contact, opens_at, closes_at, always_open FROM support_channels ORDER BY channel`,
    )) as Array<{
      channel: Channel;
      name: string;
      contact: string | null;
      opens_at: string | null;
      closes_at: string | null;
      always_open: boolean;
    }>;
    return rows.map((r) => ({
      channel: r.channel,
      name: r.name,
      contact: r.contact,
      opensAt: r.opens_at,
      closesAt: r.closes_at,
      alwaysOpen: r.always_open,
    }));
  }

  async upsertChannel(input: UpsertChannelInput): Promise<SupportChannelView> {
    const errors: FieldError[] = [];
    if (!(CHANNELS as readonly string[]).includes(input.channel))
      errors.push({ field: 'channel', message: `must be one of ${CHANNELS.join(', ')}` });
    const name = input.name?.trim() ?? '';
    if (!name || name.length > 100) errors.push({ field: 'name', message: 'must be 1 to 100 characters' });
    if (input.contact !== undefined && input.contact.length > 500)
      errors.push({ field: 'contact', message: 'must be at most 500 characters' });
    for (const f of ['opensAt', 'closesAt'] as const) {
      const v = input[f];
      if (input.alwaysOpen && v !== undefined)
        errors.push({ field: f, message: 'must be absent when alwaysOpen' });
      if (!input.alwaysOpen && (v === undefined || !HH_MM.test(v)))
        errors.push({ field: f, message: 'must be a time HH:MM (or set alwaysOpen)' });
    }
    if (errors.length) throw DomainError.validation(errors);
    await this.ds.query(
      `INSERT INTO support_channels (channel, name, contact, opens_at, closes_at, always_open, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (channel) DO UPDATE SET name = $2, contact = $3, opens_at = $4, closes_at = $5,
         always_open = $6, updated_at = now()`,
      [
        input.channel,
        name,
        input.contact ?? null,
        input.opensAt ?? null,
        input.closesAt ?? null,
        input.alwaysOpen,
      ],
    );
    return (await this.channels()).find((c) => c.channel === input.channel)!;
  }
}

function encodeOffset(n: number): string {
  return Buffer.from(`o:${n}`).toString('base64url');
}

function decodeOffset(cursor: string): number {
  const m = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw DomainError.validation([{ field: 'after', message: 'is not a cursor of this list' }]);
  return Number(m[1]);
}
