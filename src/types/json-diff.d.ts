/** The part of json-diff (CommonJS, no bundled types) that the diff uses. */
declare module 'json-diff' {
  /** undefined when the two values are structurally equal; otherwise a description of the change. */
  export function diff(before: unknown, after: unknown, options?: { full?: boolean; sort?: boolean; keysOnly?: boolean }): unknown;
  const jsonDiff: { diff: typeof diff };
  export default jsonDiff;
}
