import packageJson from '../../package.json' with { type: 'json' };

/** The app version from package.json (one source of truth; inlined by the bundler in the app). */
export const APP_VERSION: string = packageJson.version;
