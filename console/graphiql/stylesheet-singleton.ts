/**
 * Stands in for react-style-singleton's `stylesheetSingleton` in the GraphiQL bundle (see
 * scripts/build-console.js). The original adds a <style> element when a dialog opens (Radix's
 * scroll lock), which the page's `style-src 'self'` refuses, with a console error. This one adopts
 * a constructed stylesheet instead: CSSOM, which the policy allows, so the lock still works and the
 * policy stays without 'unsafe-inline'. Same interface: add(css) on first use, remove() on last.
 */
export const stylesheetSingleton = () => {
  let counter = 0;
  let sheet: CSSStyleSheet | null = null;
  return {
    add(css: string): void {
      if (counter === 0 && typeof document !== 'undefined') {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      }
      counter++;
    },
    remove(): void {
      counter--;
      if (!counter && sheet) {
        const gone = sheet;
        document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== gone);
        sheet = null;
      }
    },
  };
};
