/** The app's screens, in tab order. */
export const SCREENS = [
  { id: 'library', title: 'Library' },
  { id: 'preview', title: 'Task preview' },
  { id: 'train', title: 'Train' },
  { id: 'retrieve', title: 'Retrieve' },
  { id: 'evaluate', title: 'Evaluate' },
  { id: 'compare', title: 'Compare runs' },
] as const;

export type ScreenId = (typeof SCREENS)[number]['id'];
