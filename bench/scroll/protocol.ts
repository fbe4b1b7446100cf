/**
 * What the scroll bench page (bench/scroll/page/) and its Node driver (scroll.ts) exchange:
 * the page exposes `window.__scrollBench`; the driver calls `run(plan)` and gets the frames back.
 */

export interface ScrollPlan {
  /** Frames scrolled but not recorded first (caches, JIT, first layouts). */
  warmupFrames: number;
  /** How long to scroll smoothly, `stepPx` per animation frame (reversing at either end). */
  smoothMs: number;
  stepPx: number;
  /** Big jumps afterwards: each sets scrollTop to this fraction of the scrollable height... */
  jumps: number[];
  /** ...then keeps scrolling smoothly for this many frames. */
  framesPerJump: number;
}

export interface ScrollResult {
  /** Rows the table holds (its aria-rowcount minus the header row). */
  rows: number;
  /** Milliseconds between consecutive requestAnimationFrame callbacks, warm-up excluded. */
  intervals: number[];
  /** Pixels scrolled in all (smooth steps and jumps). */
  scrolledPx: number;
  /**
   * Checks that the table kept up: after each jump and at the end, the row at the scroll
   * position must be in the DOM. Lists the positions where it was not.
   */
  missingRows: number[];
  /**
   * Recorded frames painted while the row at the top of the view was not in the DOM yet (the
   * table renders the rows for a scroll position after the browser reports the scroll).
   */
  blankFrames: number;
}

export interface ScrollBenchApi {
  run(plan: ScrollPlan): Promise<ScrollResult>;
}

/** The row height the users table uses (renderer/src/pages/UsersPage.tsx). */
export const USERS_ROW_HEIGHT = 40;
