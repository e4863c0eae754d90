/**
 * One statistics report for a session that runs two peer connections (send and receive). Each
 * connection's report ids are only unique within it (both have a `T01` transport), so every id, and
 * every `...Id` field that refers to one, gets the connection's prefix: references stay valid.
 */
export function mergeStats(reports: ReadonlyArray<readonly [prefix: string, report: RTCStatsReport]>): RTCStatsReport {
  const merged = new Map<string, Record<string, unknown>>();
  for (const [prefix, report] of reports) {
    report.forEach((stats: Record<string, unknown>) => {
      const copy: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(stats)) {
        copy[key] = (key === 'id' || key.endsWith('Id')) && typeof value === 'string' ? `${prefix}${value}` : value;
      }
      merged.set(copy.id as string, copy);
    });
  }
  // A Map is what an RTCStatsReport is (a read-only maplike of id -> stats), and all callers read it so.
  return merged as unknown as RTCStatsReport;
}
