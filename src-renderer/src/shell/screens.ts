/** The app's screens, in tab order. Retrieve and Evaluate join this list. */
export const SCREENS = [
  { id: 'library', title: 'Library' },
  { id: 'preview', title: 'Task preview' },
  { id: 'train', title: 'Train' },
] as const;

export type ScreenId = (typeof SCREENS)[number]['id'];
