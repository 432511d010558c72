/// <reference types="svelte" />
import type { PreloadBridge } from '@shared/contract.ts';

declare global {
  interface Window {
    /** Set by the Electron preload; absent when the UI is served by the HTTP bridge. */
    pretext?: PreloadBridge;
  }
}
