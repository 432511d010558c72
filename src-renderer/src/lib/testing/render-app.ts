/** Mounts the whole app in jsdom over an API, with small helpers to drive it (test-only). */
import { expect } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import type { PretextApi } from '@shared/contract.ts';
import type { Shell } from '../api/create-api.ts';
import App from '../../shell/App.svelte';
import { AppState } from '../../shell/app-state.svelte.ts';
import { settle } from './async.ts';

/** An API whose calls a test can wait for (the real backend's answers take real time). */
export interface SettlingApi extends PretextApi {
  settled(): Promise<void>;
}

let mounted: (() => void) | null = null;
let current: SettlingApi | null = null;

/** Unmounts what `renderApp` mounted; call it in afterEach. */
export function unmountApp(): void {
  mounted?.();
  mounted = null;
  current = null;
  document.body.innerHTML = '';
}

/** Lets pending calls answer and Svelte apply what they changed (calls the change makes included). */
export async function update(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await current?.settled();
    await settle();
    flushSync();
  }
}

export async function renderApp(api: SettlingApi, shell: Shell = 'browser') {
  current = api;
  const app = new AppState({ api, shell, mediaUrl: (kind, id) => `media://${kind}/${id}` });
  const target = document.createElement('div');
  document.body.append(target);
  const component = mount(App, { target, props: { app } });
  mounted = () => void unmount(component);
  await update();
  const q = (id: string) => target.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  const all = (id: string) => [...target.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)];
  const click = async (el: Element | null) => {
    expect(el).not.toBeNull();
    (el as HTMLElement).click();
    await update();
  };
  const change = async (el: Element | null, value: string) => {
    expect(el).not.toBeNull();
    const input = el as HTMLInputElement | HTMLSelectElement;
    input.value = value;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await update();
  };
  return { app, target, q, all, click, change };
}
