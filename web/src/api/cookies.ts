/** The value of a cookie readable by scripts (the CSRF token), or "" when absent. */
export function readCookie(name: string, source: string = document.cookie): string {
  for (const part of source.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return "";
}

export const CSRF_COOKIE = "crossdock_csrf";
export const csrfToken = (): string => readCookie(CSRF_COOKIE);
