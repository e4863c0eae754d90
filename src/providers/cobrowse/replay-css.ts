/**
 * rrweb's replayer rewrites every stylesheet of a page with postcss as it rebuilds it (a `.\:hover`
 * twin of each `:hover` rule, `min-device-width` read as `min-width`): about 70 ms of the 90 ms a
 * Bootstrap page takes to rebuild. The replica makes its own hover and focus twins from the CSSOM,
 * and only once something is hovered or focused (`pseudo-states.ts`), so the replayer's style cache
 * is given an answer for every stylesheet: the device-size rewrite alone, a regular expression.
 */

const DEVICE_QUERY = /(max|min)-device-(width|height)/g;

/** Stands in for the replayer's cache of adapted stylesheets (text -> text): it computes, stores nothing. */
class AdaptedStyles extends Map<string, string> {
  override get(css: string): string {
    return css.replace(DEVICE_QUERY, '$1-$2');
  }
}

/** Gives `replayer` the lean style adaptation; a replayer without the cache this expects is left as it is. */
export function useLeanStyles(replayer: object): void {
  const holder = replayer as { cache?: { stylesWithHoverClass?: unknown } };
  if (holder.cache && holder.cache.stylesWithHoverClass instanceof Map) holder.cache = { stylesWithHoverClass: new AdaptedStyles() };
}
