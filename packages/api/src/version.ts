import packageJson from '../package.json' with { type: 'json' };

/** Sent as `X-Lium-Client-Version` unless the caller passes `clientVersion`. */
export const CLIENT_VERSION: string = packageJson.version;
