/** The app's screens, in tab order. Task preview, Train, Retrieve and Evaluate join this list. */
export const SCREENS = [{ id: 'library', title: 'Library' }] as const;

export type ScreenId = (typeof SCREENS)[number]['id'];
