import type { Page } from 'playwright-core';

/** Elements whose box reaches past the document's width (what a user would have to scroll sideways to see). */
export async function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.right > width + 1 || box.left < -1) {
        const id = el.getAttribute('data-testid') ?? el.className;
        found.push(`${el.tagName.toLowerCase()}${id ? `.${String(id)}` : ''} [${Math.round(box.left)}, ${Math.round(box.right)}] > ${width}`);
      }
    }
    return found;
  });
}

/** Whether the document itself scrolls sideways. */
export async function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

/** Whether an element lies fully inside the viewport's width and is not clipped by a scrolling ancestor. */
export async function fullyVisibleHorizontally(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const els = [...document.querySelectorAll(sel)];
    if (els.length === 0) return false;
    const width = document.documentElement.clientWidth;
    return els.every((el) => {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.left < 0 || box.right > width) return false;
      for (let a = el.parentElement; a; a = a.parentElement) {
        const style = getComputedStyle(a);
        if (style.overflowX === 'visible') continue;
        const clip = a.getBoundingClientRect();
        if (box.left < clip.left - 1 || box.right > clip.right + 1) return false;
      }
      return true;
    });
  }, selector);
}
