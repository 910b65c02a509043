import { Page } from 'playwright-core';

/**
 * What a person could click or must read on the page. Controls, plus the texts the issue found
 * hidden under the self-view: chat messages, the stats figures, the call's status line.
 */
const CHECKED =
  'button, input, select, textarea, a[href], [data-testid="chat-message"], [data-testid="stats-panel"] dd, ' +
  '[data-testid="call-status"], [data-testid="verification-code"], [data-testid="quality-indicator"]';

/**
 * Every visible control and text of the page whose centre is not itself (or inside it) under
 * `elementFromPoint`: something covers it, or it lies off the screen. One that is only scrolled out
 * of view inside a scrollable panel does not count (a person scrolls to it).
 */
export function coveredOrOffScreen(page: Page): Promise<string[]> {
  return page.evaluate((selector) => {
    const describe = (element: Element | null): string => {
      if (!element) return 'nothing';
      const id = element.getAttribute('data-testid');
      const label = element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 30) ?? '';
      return `${element.tagName.toLowerCase()}${id ? `[${id}]` : ''} "${label}"`;
    };
    const scrolledAway = (element: Element, x: number, y: number): boolean => {
      for (let box = element.parentElement; box; box = box.parentElement) {
        const overflow = getComputedStyle(box);
        if (!/(auto|scroll)/.test(overflow.overflowX + overflow.overflowY)) continue;
        const area = box.getBoundingClientRect();
        if (x < area.left || x > area.right || y < area.top || y > area.bottom) return true;
      }
      return false;
    };
    const problems: string[] = [];
    for (const element of Array.from(document.querySelectorAll(selector))) {
      if (!element.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const x = box.left + box.width / 2;
      const y = box.top + box.height / 2;
      if (scrolledAway(element, x, y)) continue;
      if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) {
        problems.push(`${describe(element)} is off the screen at (${Math.round(x)},${Math.round(y)})`);
        continue;
      }
      const hit = document.elementFromPoint(x, y);
      if (hit && (hit === element || element.contains(hit))) continue;
      problems.push(`${describe(element)} at (${Math.round(x)},${Math.round(y)}) is under ${describe(hit)}`);
    }
    return problems;
  }, CHECKED);
}

/** How far the page scrolls sideways (0 when it fits the screen). */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - innerWidth);
}

/**
 * The controls under `root` (each scrolled into view in turn) whose centre is not itself under
 * `elementFromPoint`: something covers it. Unlike `coveredOrOffScreen`, what is below the fold
 * does not count (a lobby longer than a phone's screen always has some), and `root` scopes it
 * (a modal dialog covers the page behind it). `extra` adds what else must not be covered.
 */
export function coveredControls(page: Page, root = 'body', extra = ''): Promise<string[]> {
  return page.evaluate(
    ([rootSelector, more]) => {
      const problems: string[] = [];
      for (const element of Array.from(document.querySelectorAll(`${rootSelector} :is(button, input, select, a[href]${more ? `, ${more}` : ''})`))) {
        if (!element.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
        element.scrollIntoView({ block: 'center', inline: 'center' });
        const box = element.getBoundingClientRect();
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        if (hit && (hit === element || element.contains(hit))) continue;
        const name = element.getAttribute('data-testid') ?? element.textContent?.trim().slice(0, 30);
        problems.push(`${element.tagName.toLowerCase()} "${name}" is under ${hit?.tagName.toLowerCase() ?? 'nothing'}`);
      }
      return problems;
    },
    [root, extra] as const,
  );
}
