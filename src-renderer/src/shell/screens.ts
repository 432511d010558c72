/** The app's screens, in tab order. Train, Retrieve and Evaluate join this list. */
export const SCREENS = [
  { id: 'library', title: 'Library' },
  { id: 'preview', title: 'Task preview' },
] as const;

export type ScreenId = (typeof SCREENS)[number]['id'];
