/**
 * Scrolls the table programmatically, one step per animation frame, and records the time between
 * consecutive requestAnimationFrame callbacks: a frame that took longer than the display's interval
 * (because layout, paint or React's render of the new rows did not fit) shows as a longer gap.
 */
import type { ScrollPlan, ScrollResult } from "../protocol.ts";

export function runScroll(scroller: HTMLElement, rowHeight: number, plan: ScrollPlan): Promise<ScrollResult> {
  const rows = Number(scroller.getAttribute("aria-rowcount") ?? "1") - 1;
  const intervals: number[] = [];
  const missingRows: number[] = [];
  const maxTop = () => scroller.scrollHeight - scroller.clientHeight;
  let direction = 1;
  let scrolledPx = 0;

  let blankFrames = 0;
  const topRowRendered = (): [boolean, number] => {
    const index = Math.min(rows - 1, Math.floor(scroller.scrollTop / rowHeight));
    return [scroller.querySelector(`[data-index="${index}"]`) !== null, index];
  };
  /** After each jump and at the end: is the row at the scroll position rendered? */
  const checkRendered = () => {
    const [rendered, index] = topRowRendered();
    if (!rendered) missingRows.push(index);
  };
  const step = () => {
    const before = scroller.scrollTop;
    let target = before + direction * plan.stepPx;
    if (target > maxTop() || target < 0) {
      direction = -direction;
      target = before + direction * plan.stepPx;
    }
    scroller.scrollTop = target;
    scrolledPx += Math.abs(scroller.scrollTop - before);
  };

  return new Promise((resolve) => {
    let frame = 0;
    let last = -1;
    let smoothUntil = -1;
    let jump = 0;
    let framesSinceJump = 0;
    const tick = (now: number) => {
      if (frame > plan.warmupFrames) intervals.push(now - last);
      if (frame === plan.warmupFrames) smoothUntil = now + plan.smoothMs;
      last = now;
      frame++;
      if (smoothUntil < 0 || now < smoothUntil) {
        step();
      } else if (jump < plan.jumps.length && (jump === 0 || framesSinceJump >= plan.framesPerJump)) {
        if (jump > 0) checkRendered();
        const before = scroller.scrollTop;
        scroller.scrollTop = Math.round((plan.jumps[jump] ?? 0) * maxTop());
        scrolledPx += Math.abs(scroller.scrollTop - before);
        jump++;
        framesSinceJump = 0;
      } else if (framesSinceJump < plan.framesPerJump) {
        step();
        framesSinceJump++;
      } else {
        checkRendered();
        resolve({ rows, intervals, scrolledPx, missingRows, blankFrames });
        return;
      }
      // The frame about to be painted, at the scroll position just set: is its top row there yet?
      if (frame > plan.warmupFrames && !topRowRendered()[0]) blankFrames++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}
