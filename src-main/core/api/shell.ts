import type { BackendReport } from '../../shared/dto.ts';

/** What only a shell can do (native dialogs); absent in the browser bridge. */
export interface ShellCapabilities {
  pickFolder?: (title: string | undefined) => Promise<string | null>;
  /** A file to save into, suggested by name; null when dismissed. */
  pickSaveFile?: (title: string, defaultName: string) => Promise<string | null>;
  /** Libraries opened before (the desktop app and serve keep a list). */
  recentLibraries?: () => string[];
  /** The backend report where WebGPU is not this process's (the desktop app's compute host). */
  backendReport?: () => Promise<BackendReport>;
}
