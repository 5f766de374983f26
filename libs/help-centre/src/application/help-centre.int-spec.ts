import { DataSource } from 'typeorm';
import { DomainError } from '@kefu/platform';
import { createTestDatabase, openDataSource, TestDatabase } from '@kefu/test-fixtures';
import { HelpCentreService } from './help-centre.service';
import { seedHelpCentre } from './seed';
import { STARTER_ARTICLES } from './starter-content';

describe('help centre search (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let help: HelpCentreService;

  const titles = async (filter: { query?: string; category?: string; language?: string }) =>
    (await help.searchArticles(filter, 100)).items.map((i) => i.node.title);

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
    help = new HelpCentreService(ds);
    await seedHelpCentre(help);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('finds a Chinese article by a Chinese word', async () => {
    expect(await titles({ query: '解绑' })).toEqual(['银行卡无法解绑怎么办？']);
    expect(await titles({ query: '退款 到账' })).toEqual(['商户已退款，但退款还没到账']);
    // Typed without a space: no article has every bigram (款到), so the relaxed match ranks it first.
    expect((await titles({ query: '退款到账' }))[0]).toBe('商户已退款，但退款还没到账');
    // 冻结 appears in two articles (risk freeze, stolen account): both, and nothing else.
    expect((await titles({ query: '冻结' })).sort()).toEqual(
      ['为什么我的付款失败了？', '账户被盗了怎么办？'].sort(),
    );
    expect(await titles({ query: '绑解' })).toEqual([]);
    expect(await titles({ query: '天气' })).toEqual([]);
  });

  it('finds an English article by another form of a word (stemming)', async () => {
    expect(await titles({ query: 'locking' })).toEqual(['My account is locked']);
    expect(await titles({ query: 'refunds arrive', language: 'en' })).toEqual([
      'The merchant refunded me but the refund has not arrived',
    ]);
  });

  it('filters by category and language (zh finds zh-CN)', async () => {
    expect(await titles({ category: 'card_unbinding', language: 'zh' })).toEqual(['银行卡无法解绑怎么办？']);
    expect((await titles({ language: 'en' })).length).toBe(STARTER_ARTICLES.length / 2);
    expect(await titles({ query: 'card', category: 'refund' })).toEqual([]);
  });

  it('pages with cursors', async () => {
    const first = await help.searchArticles({}, 5);
    expect(first.totalCount).toBe(STARTER_ARTICLES.length);
    expect(first.hasNextPage).toBe(true);
    const second = await help.searchArticles({}, 100, first.items[4].cursor);
    expect(second.items).toHaveLength(STARTER_ARTICLES.length - 5);
    expect(second.items.map((i) => i.node.id)).not.toContain(first.items[0].node.id);
    await expect(help.searchArticles({}, 5, 'bogus')).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('seeds idempotently and updates an article in place, re-indexing it', async () => {
    await seedHelpCentre(help);
    expect((await help.searchArticles({}, 100)).totalCount).toBe(STARTER_ARTICLES.length);
    const a = STARTER_ARTICLES[0];
    await help.upsertArticle({ ...a, body: 'Now about dragons.' });
    expect(await titles({ query: 'dragon' })).toEqual([a.title]);
    expect(await titles({ query: 'insufficient balance', language: 'en' })).toEqual([]);
  });

  it('refuses bad input, naming the fields', async () => {
    const e = await help
      .upsertArticle({ id: 'nope', title: ' ', body: 'x', category: 'weather', language: 'english!' })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).details.errors!.map((x) => x.field)).toEqual([
      'title',
      'category',
      'language',
      'id',
    ]);
  });

  it('lists the support channels with opening hours and contacts', async () => {
    expect(await help.channels()).toEqual([
      expect.objectContaining({ channel: 'chat', alwaysOpen: true }),
      expect.objectContaining({ channel: 'email', alwaysOpen: true }),
      expect.objectContaining({ channel: 'phone', opensAt: '09:00', closesAt: '21:00', alwaysOpen: false }),
    ]);
    await expect(
      help.upsertChannel({ channel: 'phone', name: 'Hotline', alwaysOpen: false }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });
});
