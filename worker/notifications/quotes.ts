import type { ChatQuote } from "./contract";

/** One of the person's own chat messages, with the session it was said in (the UserHub's recentUserMessages). */
export interface UserChatMessage {
  messageId: string;
  sessionId: string;
  sessionTitle: string;
  text: string;
  /** ISO time it was said. */
  at: string;
  /** The meters its turn's tool calls acted on: the person meant them, whatever name they used. */
  meterIds: string[];
}

const EXCERPT_CHARS = 160;
/** Shorter terms ("EV", "A") would match inside unrelated words. */
const MIN_TERM_CHARS = 3;

/**
 * The person's messages worth quoting, best first: those that mention any of `terms` (names of
 * the meter and its charts) score two per term, and so does one whose turn acted on the meter
 * (it named the meter in the chat's words, "the London house"); a message matching one of `goals` (what the
 * person wanted, e.g. a peak limit) one more; ties go to the newer message. A goal alone counts
 * only when it is said in a session that mentions the meter, so "keep the peak low" about
 * another meter is not quoted.
 */
export function quoteMentions(
  messages: UserChatMessage[],
  meter: { id: string; terms: string[] },
  goals: RegExp[],
  limit = 2,
): ChatQuote[] {
  const lowered = meter.terms.map((t) => t.toLowerCase()).filter((t) => t.length >= MIN_TERM_CHARS);
  const mentionCount = ({ text, meterIds }: UserChatMessage) =>
    lowered.filter((t) => text.toLowerCase().includes(t)).length + (meterIds.includes(meter.id) ? 1 : 0);
  const sessionsAboutIt = new Set(messages.filter((m) => mentionCount(m) > 0).map((m) => m.sessionId));
  return messages
    .map((message) => {
      const mentions = mentionCount(message);
      const goal = goals.some((g) => g.test(message.text));
      return { message, mentions, goal, score: mentions * 2 + (goal ? 1 : 0) };
    })
    .filter(({ message, mentions, goal }) => mentions > 0 || (goal && sessionsAboutIt.has(message.sessionId)))
    .sort((a, b) => b.score - a.score || b.message.at.localeCompare(a.message.at))
    .slice(0, limit)
    .map(({ message }) => ({
      sessionId: message.sessionId,
      sessionTitle: message.sessionTitle,
      messageId: message.messageId,
      excerpt: chatExcerpt(message.text),
      at: message.at,
    }));
}

/** A message as a notification quotes it: cut to a line. */
export const chatExcerpt = (text: string) => (text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1).trimEnd()}…` : text);
