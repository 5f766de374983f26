import { createHash } from 'node:crypto';
import { UpsertArticleInput, UpsertChannelInput } from './help-centre.service';
import { STARTER_TOPICS } from './starter-topics';

// The starter help centre: the most common wallet questions of DOMAIN.md, in zh-CN and en.
// Seeded by `npm run cli -- seed help-centre` (idempotent: fixed ids, so re-running updates).

/** Fixed per topic and language, so a second seed updates instead of duplicating. */
export function starterArticleId(slug: string, language: string): string {
  const h = createHash('sha256').update(`help-article:${slug}:${language}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const STARTER_ARTICLES: UpsertArticleInput[] = STARTER_TOPICS.flatMap((t) => [
  { id: starterArticleId(t.slug, 'en'), category: t.category, language: 'en', ...t.en },
  { id: starterArticleId(t.slug, 'zh-CN'), category: t.category, language: 'zh-CN', ...t.zh },
]);

/** DOMAIN.md's example: phone 9:00–21:00, chat 24/7. */
export const STARTER_CHANNELS: UpsertChannelInput[] = [
  {
    channel: 'phone',
    name: 'Hotline 客服热线',
    contact: '+86 400-000-0000',
    opensAt: '09:00',
    closesAt: '21:00',
    alwaysOpen: false,
  },
  { channel: 'chat', name: 'In-app chat 在线客服', alwaysOpen: true },
  { channel: 'email', name: 'Email', contact: 'support@example.com', alwaysOpen: true },
];
