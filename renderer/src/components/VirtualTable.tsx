/**
 * A table for many rows (100k and more): fixed row height, only the rows in view (plus an
 * overscan) are in the DOM. Keyboard: arrows, Page Up/Down, Home/End move the active row,
 * Enter opens it. Rows are also clickable.
 */
import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { flushSync } from "react-dom";
import { scrollToReveal, visibleRange } from "./virtualRange.ts";

export interface Column<T> {
  id: string;
  header: string;
  /** A CSS grid track, e.g. "160px" or "minmax(200px, 1fr)". */
  width: string;
  render: (row: T) => ReactNode;
}

interface Props<T> {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  rowHeight: number;
  /** Accessible name of the table. */
  label: string;
  onOpen?: (row: T, index: number) => void;
  /** Viewport height when it cannot be measured (tests); otherwise the container's height. */
  height?: number;
  overscan?: number;
  testId?: string;
  rowTestId?: string;
  /** When this changes the table scrolls back to the top (default: a new `rows` array). */
  resetKey?: unknown;
  /** Total width the columns need; narrower windows scroll sideways. */
  minWidth?: number;
  /** Extra class per row, e.g. for warnings. */
  rowClassName?: (row: T) => string | undefined;
}

const HEADER_HEIGHT = 32;

export function VirtualTable<T>({ rows, columns, rowKey, rowHeight, label, onOpen, height, overscan = 10, testId, rowTestId, minWidth, rowClassName, resetKey }: Props<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [measured, setMeasured] = useState(0);
  const [active, setActive] = useState(-1);
  const idPrefix = useId();
  const viewport = Math.max(0, (measured || height || 600) - HEADER_HEIGHT);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setMeasured(el.clientHeight);
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // A new data set (another page, another filter) starts at the top.
  const reset = resetKey === undefined ? rows : resetKey;
  useEffect(() => {
    setActive(-1);
    setScrollTop(0);
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [reset]);

  const { start, end } = visibleRange(scrollTop, viewport, rowHeight, rows.length, overscan);
  const template = useMemo(() => columns.map((c) => c.width).join(" "), [columns]);

  const moveTo = useCallback(
    (index: number) => {
      const clamped = Math.max(0, Math.min(rows.length - 1, index));
      setActive(clamped);
      const el = scroller.current;
      if (!el) return;
      const next = scrollToReveal(clamped, el.scrollTop, viewport, rowHeight);
      if (next !== el.scrollTop) {
        el.scrollTop = next;
        setScrollTop(next);
      }
    },
    [rows.length, viewport, rowHeight],
  );

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (rows.length === 0) return;
    const page = Math.max(1, Math.floor(viewport / rowHeight) - 1);
    const moves: Record<string, number> = { ArrowDown: active + 1, ArrowUp: Math.max(0, active - 1), PageDown: active + page, PageUp: active - page, Home: 0, End: rows.length - 1 };
    const target = moves[event.key];
    if (target !== undefined) {
      event.preventDefault();
      moveTo(target);
    } else if (event.key === "Enter" && active >= 0 && onOpen) {
      event.preventDefault();
      const row = rows[active];
      if (row !== undefined) onOpen(row, active);
    }
  };

  const rendered: ReactNode[] = [];
  for (let index = start; index < end; index++) {
    const row = rows[index] as T;
    const extra = rowClassName?.(row);
    rendered.push(
      <div
        key={rowKey(row)}
        id={`${idPrefix}-row-${index}`}
        role="row"
        aria-rowindex={index + 2}
        aria-selected={index === active}
        className={`vt-row${index === active ? " vt-row--active" : ""}${index % 2 ? " vt-row--odd" : ""}${extra ? ` ${extra}` : ""}`}
        style={{ top: index * rowHeight, height: rowHeight, gridTemplateColumns: template }}
        data-testid={rowTestId}
        data-index={index}
        onClick={() => {
          setActive(index);
          onOpen?.(row, index);
        }}
      >
        {columns.map((c) => (
          <div key={c.id} role="gridcell" className="vt-cell">
            {c.render(row)}
          </div>
        ))}
      </div>,
    );
  }

  return (
    <div
      ref={scroller}
      className="vt"
      role="grid"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length}
      aria-activedescendant={active >= 0 && active >= start && active < end ? `${idPrefix}-row-${active}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onFocus={() => active < 0 && rows.length > 0 && setActive(Math.min(rows.length - 1, Math.floor(scrollTop / rowHeight)))}
      onScroll={(e) => {
        const top = e.currentTarget.scrollTop;
        // Re-render only when the first visible row changes, not on every pixel. A jump past the
        // overscan (scrollbar drag, fast flick) renders before the next paint, so no blank frames.
        if (Math.floor(top / rowHeight) === Math.floor(scrollTop / rowHeight)) return;
        if (Math.abs(top - scrollTop) > overscan * rowHeight) flushSync(() => setScrollTop(top));
        else setScrollTop(top);
      }}
      data-testid={testId}
      style={height && !measured ? { height } : undefined}
    >
      <div className="vt-header" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template, height: HEADER_HEIGHT, minWidth }}>
        {columns.map((c) => (
          <div key={c.id} role="columnheader" className="vt-cell vt-cell--header" title={c.header}>
            {c.header}
          </div>
        ))}
      </div>
      <div className="vt-body" role="rowgroup" style={{ height: rows.length * rowHeight, minWidth }}>
        {rendered}
      </div>
    </div>
  );
}
