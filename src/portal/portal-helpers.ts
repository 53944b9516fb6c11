import type Handlebars from 'handlebars';

/**
 * The few helpers the portal's templates use. None returns a SafeString: whatever they produce is
 * escaped like any other value, and templates never use `{{{ }}}` (portal/README.md).
 */
export function registerPortalHelpers(handlebars: typeof Handlebars): void {
  handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  handlebars.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  handlebars.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  handlebars.registerHelper('not', (a: unknown) => !a);
  /** `selected` when the two values match, for <option>. */
  handlebars.registerHelper('selectedIf', (a: unknown, b: unknown) => (a === b ? 'selected' : ''));
  /** `checked` when the two values match, for radio buttons. */
  handlebars.registerHelper('checkedIf', (a: unknown, b: unknown) => (a === b ? 'checked' : ''));
  /** An ISO timestamp as a person reads it: 2026-11-27 17:10 UTC (the full value in a title). */
  handlebars.registerHelper('when', (value: unknown) => {
    if (typeof value !== 'string') return '';
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(value);
    return m ? `${m[1]} ${m[2]} UTC` : value;
  });
  /** A path segment from data (a PO number), percent-encoded; the template still escapes it. */
  handlebars.registerHelper('seg', (value: unknown) =>
    encodeURIComponent(typeof value === 'string' || typeof value === 'number' ? String(value) : ''),
  );
}
