import { HelpCentreService, seedHelpCentre } from '@kefu/help-centre';
import { World } from './world';

const seeded = new WeakSet<World>();

/**
 * A fresh self-service session of partner X for customer A, with the article it showed first (the
 * world's help centre is seeded with the starter content on first use).
 */
export async function freshAnswerSession(w: World): Promise<{ id: string; articleId: string }> {
  if (!seeded.has(w)) {
    await seedHelpCentre(w.t.app.get(HelpCentreService));
    seeded.add(w);
  }
  const r = await w.rest('partnerX', 'POST', '/v1/answers', {
    question: 'Why did my payment fail at the supermarket?',
    customer: { id: 'cust-a' },
  });
  if (r.status !== 201 || !r.body.articles?.length)
    throw new Error(`seeding: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.id as string, articleId: r.body.articles[0].articleId as string };
}
