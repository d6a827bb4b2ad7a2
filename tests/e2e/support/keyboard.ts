import type { Page } from 'playwright-core';

export interface Focused {
  tag: string;
  /** aria-label, else the label of a form control, else its text. */
  name: string;
  /** Whether a visible focus indicator (an outline of at least 2 px) is drawn around it. */
  outlined: boolean;
  /** Whether it is, or sits inside, a chart's drawing (recharts' wrapper or an SVG). */
  inChart: boolean;
  /** The data-kb id given by markFocusable, when it was one of them. */
  kb: string | null;
}

/** What has the keyboard focus now. */
export async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: 'body', name: '', outlined: false, inChart: false, kb: null };
    const labelled = (el as HTMLInputElement).labels?.[0]?.textContent ?? '';
    const style = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      name: (el.getAttribute('aria-label') ?? (labelled || el.textContent || '')).trim().replace(/\s+/g, ' '),
      outlined: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
      inChart: el.closest('svg, .recharts-wrapper, .recharts-surface') !== null,
      kb: el.getAttribute('data-kb'),
    };
  });
}

/** Presses Tab until the focused control's name matches, at most `limit` times; returns it or throws naming what was passed. */
export async function tabTo(page: Page, name: RegExp, limit = 80): Promise<Focused> {
  const passed: string[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (name.test(f.name)) return f;
    passed.push(`${f.tag}:${f.name.slice(0, 40)}`);
  }
  throw new Error(`Tab never reached a control named ${String(name)}; it passed: ${passed.join(' | ')}`);
}

/**
 * Tags every visible, enabled control a user could operate (buttons, fields, selects, disclosure
 * summaries, links, anything with a tab stop) with a data-kb id and returns their descriptions by id.
 */
export async function markFocusable(page: Page): Promise<Map<string, string>> {
  const entries = await page.evaluate(() => {
    const selector = 'button, select, input, textarea, summary, a[href], [tabindex]';
    const found: [string, string][] = [];
    let n = 0;
    for (const el of document.querySelectorAll<HTMLElement>(selector)) {
      if ((el as HTMLButtonElement).disabled || el.hidden || (el as HTMLInputElement).type === 'hidden') continue;
      if (el.getAttribute('tabindex') === '-1') continue;
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      const id = String(n++);
      el.setAttribute('data-kb', id);
      found.push([id, `${el.tagName.toLowerCase()}:${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}`]);
    }
    return found;
  });
  return new Map(entries);
}
