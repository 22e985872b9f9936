// History-based navigation. app.js installs the handler that renders whatever the location names.

let handler = async () => {};

export function setRouteHandler(fn) {
  handler = fn;
}

/** Goes to `path` (pushState, or replaceState with replace: true) and renders it. */
export function navigate(path, { replace = false } = {}) {
  const here = location.pathname + location.search + location.hash;
  if (replace) history.replaceState(null, '', path);
  else if (path !== here) history.pushState(null, '', path);
  return handler();
}

/** Changes the address without rendering (the caller already shows the right screen). */
export function setAddress(path, { replace = true } = {}) {
  const here = location.pathname + location.search + location.hash;
  if (path === here) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
}

/** The token in a fragment like #t=abc (kept out of the request line so it never reaches server logs). */
export function fragmentToken() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('t');
  return token && token.trim() ? token.trim() : null;
}

/** Plain left clicks on same-origin links go through navigate(); modified clicks keep browser behaviour. */
export function isPlainClick(ev) {
  return ev.button === 0 && !ev.metaKey && !ev.ctrlKey && !ev.shiftKey && !ev.altKey && !ev.defaultPrevented;
}
