import { AnswerSessionView } from './answer-session-view';

const SUBJECT_MAX_CHARS = 120;

/** The ticket's subject: the question's first line, shortened. */
export function ticketSubject(question: string): string {
  const line = question.split('\n')[0].trim() || 'Question from self-service';
  const chars = [...line];
  return chars.length <= SUBJECT_MAX_CHARS ? line : `${chars.slice(0, SUBJECT_MAX_CHARS - 1).join('')}…`;
}

/**
 * The internal note a handed-over ticket starts with: what Kefu suggested and which articles the
 * customer already saw, so nobody asks again or sends the same link.
 */
export function handoverNote(s: AnswerSessionView): string {
  const lines = [
    `Self-service answer session ${s.id} (${s.language}, ${s.channel}) before this ticket.`,
    `Suggested category: ${s.suggestedCategory} (confidence ${s.categoryConfidence.toFixed(2)}); ` +
      `priority: ${s.suggestedPriority} (${s.priorityReason.replace(/_/g, ' ')}).`,
  ];
  if (s.articles.length === 0) lines.push('No help article matched the question.');
  else {
    lines.push('Articles the customer was shown:');
    s.articles.forEach((a, i) =>
      lines.push(
        `${i + 1}. ${a.title} [${a.language}, ${a.category}] relevance ${a.score.toFixed(2)} (article ${a.articleId})`,
      ),
    );
  }
  if (s.acceptedArticleId) {
    const accepted = s.articles.find((a) => a.articleId === s.acceptedArticleId);
    lines.push(
      `The customer first said "${accepted?.title ?? s.acceptedArticleId}" answered it, then asked for a person.`,
    );
  }
  return lines.join('\n');
}
