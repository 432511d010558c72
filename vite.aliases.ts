import { resolve } from 'node:path';

/**
 * The renderer imports the contract and DTOs as `@shared/…` instead of climbing `../../../src-main/shared`;
 * tsconfig.web.json and tsconfig.web-tests.json map the same prefix. Read by the build and by vitest.
 */
export const SHARED_ALIAS = { '@shared': resolve(import.meta.dirname, 'src-main/shared') };
