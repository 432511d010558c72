// Applies the policy of security.ts to Electron objects. Only types are imported from 'electron',
// so tests drive these functions with plain fakes.
import type { IpcMainInvokeEvent, Session, WebContents } from 'electron';
import {
  externalUrlToOpen,
  navigationAllowed,
  permissionGranted,
  requestAllowed,
  type AppPage,
  type IpcSenderFrame,
} from './security.ts';

type SessionPolicyTarget = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
> & { webRequest: Pick<Session['webRequest'], 'onBeforeRequest'> };

/** Session-wide rules: permissions refused, devices refused, every request kept on the machine. */
export function hardenSession(session: SessionPolicyTarget, page: AppPage): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(permissionGranted(permission, details.requestingUrl, page)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    permissionGranted(permission, requestingOrigin, page),
  );
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) =>
    callback({ cancel: !requestAllowed(details.url, page) }),
  );
}

type ContentsPolicyTarget = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * Rules for every web contents the app creates: no navigation away from our page (in any frame, by
 * link or redirect), no <webview>, no new windows; an https link opens in the user's browser.
 */
export function hardenWebContents(
  contents: ContentsPolicyTarget,
  page: AppPage,
  openExternal: (url: string) => void,
): void {
  contents.on('will-frame-navigate', (event) => {
    if (!navigationAllowed(event.url, page)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!navigationAllowed(event.url, page)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalUrlToOpen(url);
    if (external) openExternal(external);
    return { action: 'deny' };
  });
}

/** What the sender check needs to know about an IPC call; null once the frame is gone. */
export function ipcSenderFrame(
  event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>,
  mainWindowContents: WebContents | null,
): IpcSenderFrame | null {
  const frame = event.senderFrame;
  if (!frame) return null;
  return { url: frame.url, isMainFrame: frame.parent === null, inMainWindow: event.sender === mainWindowContents };
}
