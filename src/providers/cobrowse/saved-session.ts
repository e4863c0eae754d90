/**
 * Where a customer's co-browse session is kept across the pages of a tab, so the next page resumes
 * it. Apart from the provider so the page can tell whether there is one to resume without loading
 * the provider's code.
 */
import type { ProviderContext } from '../types.js';

const STORAGE_PREFIX = 'cck-visual:';

export function savedSessionKey(context: Pick<ProviderContext, 'conversationId'>): string {
  return STORAGE_PREFIX + context.conversationId;
}

/** Whether this tab kept a session of the conversation (to resume, or to find expired). */
export function hasSavedSession(context: Pick<ProviderContext, 'conversationId' | 'storage'>): boolean {
  try {
    return Boolean(context.storage?.getItem(savedSessionKey(context)));
  } catch {
    return false;
  }
}
