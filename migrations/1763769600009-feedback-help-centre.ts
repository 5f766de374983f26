import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Surveys, feedback and satisfaction (read models of libs/feedback, rebuildable from the log) and
 * the help centre's content (articles with their search vector, support channels; see ADR 0005).
 */
export class FeedbackHelpCentre1763769600009 implements MigrationInterface {
  name = 'FeedbackHelpCentre1763769600009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE survey_settings (
        id                      smallint PRIMARY KEY CHECK (id = 1),
        delay_seconds           int NOT NULL,
        reminder_after_seconds  int NOT NULL,
        expires_after_seconds   int NOT NULL,
        updated_at              timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE survey_view (
        id               text PRIMARY KEY,
        ticket_id        text NOT NULL,
        solve_event_id   text NOT NULL UNIQUE,
        sent_event_id    text NOT NULL,
        token_hash       text NOT NULL UNIQUE,
        status           text NOT NULL,
        sent_at          timestamptz NOT NULL,
        remind_at        timestamptz NOT NULL,
        reminded_at      timestamptz,
        expires_at       timestamptz NOT NULL,
        responded_at     timestamptz,
        expired_at       timestamptz,
        score            smallint,
        comment          text,
        updated_at       timestamptz NOT NULL,
        version          int NOT NULL
      )`);
    await q.query(`CREATE INDEX survey_view_ticket_idx ON survey_view (ticket_id, sent_at DESC)`);
    await q.query(`CREATE INDEX survey_view_status_idx ON survey_view (status)`);
    await q.query(`
      CREATE TABLE satisfaction_surveys (
        survey_id     text PRIMARY KEY,
        ticket_id     text NOT NULL,
        agent_id      text,
        tier          text NOT NULL,
        category      text NOT NULL,
        channel       text NOT NULL,
        sent_at       timestamptz NOT NULL,
        responded_at  timestamptz,
        score         smallint
      )`);
    await q.query(`CREATE INDEX satisfaction_responded_idx ON satisfaction_surveys (responded_at)`);
    await q.query(`CREATE INDEX satisfaction_sent_idx ON satisfaction_surveys (sent_at)`);
    await q.query(`
      CREATE TABLE feedback_view (
        id                 text PRIMARY KEY,
        kind               text NOT NULL,
        body               text NOT NULL,
        customer_id        text NOT NULL,
        ticket_id          text,
        agent_id           text,
        submitted_by_kind  text NOT NULL,
        submitted_by_id    text NOT NULL,
        created_at         timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX feedback_view_created_idx ON feedback_view (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX feedback_view_agent_idx ON feedback_view (agent_id, created_at DESC)`);
    await q.query(`CREATE INDEX feedback_view_ticket_idx ON feedback_view (ticket_id)`);
    await q.query(`
      CREATE TABLE help_articles (
        id          uuid PRIMARY KEY,
        title       text NOT NULL,
        body        text NOT NULL,
        category    text NOT NULL,
        language    text NOT NULL,
        -- English-stemmed words plus CJK unigrams and bigrams made in TypeScript (ADR 0005).
        search      tsvector NOT NULL,
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX help_articles_search_idx ON help_articles USING gin (search)`);
    await q.query(
      `CREATE INDEX help_articles_lang_cat_idx ON help_articles (language, category, updated_at)`,
    );
    await q.query(`
      CREATE TABLE support_channels (
        channel      text PRIMARY KEY,
        name         text NOT NULL,
        contact      text,
        opens_at     text,
        closes_at    text,
        always_open  boolean NOT NULL,
        updated_at   timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'support_channels',
      'help_articles',
      'feedback_view',
      'satisfaction_surveys',
      'survey_view',
      'survey_settings',
    ])
      await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
