/**
 * Redaction for error messages (no imports: the Harbor API client uses it too). Values the user typed may be
 * URLs carrying credentials; a message names the problem without showing them.
 */

/**
 * `scheme://user:password@host…` → `scheme://[user info]@host…` anywhere in `s`: URLs may carry credentials. Up to
 * the last `@` of the URL, so that a password holding `/`, `#`, `?` or `@` is hidden whole (a path holding `@` is
 * hidden too: showing less is the safe side).
 */
export function withoutUserInfo(s: string): string {
  return s.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s"'<>]*@/gi, "$1[user info]@");
}

/** A value as an error message shows what was found: JSON (`nothing` for undefined), user info hidden. */
export function shownValue(v: unknown): string {
  const s = JSON.stringify(v) as string | undefined;
  return s === undefined ? "nothing" : withoutUserInfo(s);
}
