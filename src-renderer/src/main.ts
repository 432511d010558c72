import { mount } from 'svelte';
import App from './shell/App.svelte';
import { AppState } from './shell/app-state.svelte.ts';
import { createApi } from './lib/api/create-api.ts';
import { Notices } from './lib/notices/notices.svelte.ts';

const target = document.getElementById('app');
if (!target) throw new Error('Pretext Studio: #app is missing from index.html');

const notices = new Notices();
const transport = createApi({ onStreamError: (error) => notices.report(error, 'Live updates') });
const app = new AppState(transport, notices);

mount(App, { target, props: { app } });
