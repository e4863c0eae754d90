export function firefoxExecutable(): string | undefined;
export const firefoxPrefs: Record<string, string | number | boolean>;
