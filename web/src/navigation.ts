/** Opens an app path (a notification's link) without reloading the page: the Shell follows popstate. */
export function openAppPath(path: string) {
  history.pushState(null, "", path);
  dispatchEvent(new PopStateEvent("popstate"));
}
