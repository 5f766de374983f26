import { HelpCentreService } from './help-centre.service';
import { STARTER_ARTICLES, STARTER_CHANNELS } from './starter-content';

/** Writes the starter articles and channels (idempotent). */
export async function seedHelpCentre(
  service: HelpCentreService,
): Promise<{ articles: number; channels: number }> {
  for (const a of STARTER_ARTICLES) await service.upsertArticle(a);
  for (const c of STARTER_CHANNELS) await service.upsertChannel(c);
  return { articles: STARTER_ARTICLES.length, channels: STARTER_CHANNELS.length };
}
