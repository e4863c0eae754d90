/** A configuration the server refuses to start with (bad environment variable or option). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
