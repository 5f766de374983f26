import { DataSource } from 'typeorm';
import { createTestDatabase, openDataSource, TestDatabase } from '@kefu/test-fixtures';
import { STARTER_ARTICLES, STARTER_CHANNELS } from '@kefu/help-centre';
import { seedCommand } from './seed.command';

describe('cli seed help-centre (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const saved = process.env.DATABASE_URL;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
    process.env.DATABASE_URL = db.url;
  });
  afterAll(async () => {
    process.env.DATABASE_URL = saved;
    await ds?.destroy();
    await db?.drop();
  });

  const count = async (table: string) =>
    ((await ds.query(`SELECT count(*)::int AS n FROM ${table}`)) as Array<{ n: number }>)[0].n;

  it('writes the starter articles (zh-CN and en) and channels, and a second run adds nothing', async () => {
    expect(await seedCommand.run(['help-centre'])).toBe(0);
    expect(await seedCommand.run(['help-centre'])).toBe(0);
    expect(await count('help_articles')).toBe(STARTER_ARTICLES.length);
    expect(await count('support_channels')).toBe(STARTER_CHANNELS.length);
    const languages = (await ds.query(
      `SELECT language, count(*)::int AS n FROM help_articles GROUP BY language ORDER BY language`,
    )) as Array<{ language: string; n: number }>;
    expect(languages).toEqual([
      { language: 'en', n: STARTER_ARTICLES.length / 2 },
      { language: 'zh-CN', n: STARTER_ARTICLES.length / 2 },
    ]);
  });

  it('refuses an unknown target', async () => {
    await expect(seedCommand.run(['everything'])).rejects.toThrow(/expected one of help-centre/);
  });
});
