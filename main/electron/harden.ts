/**
 * Locks down every web contents and the session: no navigation away from our page, no new windows
 * (http(s) links go to the OS browser), no <webview>, no permission prompts, no remote requests.
 */
import type { Session, WebContents } from "electron";
import { externalLinkTarget, isAllowedRequestUrl, isAppUrl } from "./security-policy.ts";

/** mayNavigate: where this contents may go (default our page; a Gatehouse server's window: its origin). */
export function hardenWebContents(
  contents: WebContents,
  openExternal: (url: string) => Promise<void>,
  warn: (message: string) => void = console.warn,
  mayNavigate: (url: string) => boolean = isAppUrl,
): void {
  const blockNavigation = (event: { preventDefault(): void }, url: string) => {
    if (mayNavigate(url)) return;
    event.preventDefault();
    warn(`Blocked navigation to ${url}`);
  };
  contents.on("will-navigate", blockNavigation);
  contents.on("will-redirect", blockNavigation);
  contents.on("will-attach-webview", (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalLinkTarget(url);
    if (external) openExternal(external).catch((err: unknown) => warn(`Could not open ${external}: ${String(err)}`));
    return { action: "deny" };
  });
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequestUrl(details.url) }));
}
