import type { FeatureProtocol } from '@shared/dto.ts';

/** A feature protocol as the UI names it. */
export const PROTOCOL_TITLES: Readonly<Record<FeatureProtocol, string>> = { 'vcop-reference': 'VCOP reference', compact: 'compact' };
