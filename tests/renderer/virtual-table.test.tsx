// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { VirtualTable, type Column } from "../../renderer/src/components/VirtualTable.tsx";
import { scrollToReveal, visibleRange } from "../../renderer/src/components/virtualRange.ts";

interface Row {
  id: number;
  name: string;
}

const ROWS: Row[] = Array.from({ length: 100_000 }, (_, id) => ({ id, name: `user ${id}` }));
const COLUMNS: Column<Row>[] = [
  { id: "id", header: "Id", width: "80px", render: (r) => r.id },
  { id: "name", header: "Name", width: "1fr", render: (r) => r.name },
];
const ROW_HEIGHT = 20;
const HEIGHT = 432; // 400px of rows under a 32px header: 20 rows in view
const OVERSCAN = 5;

afterEach(cleanup);

const renderedIndexes = () => screen.getAllByTestId("row").map((el) => Number(el.dataset.index));

function renderTable(onOpen = vi.fn()) {
  render(<VirtualTable rows={ROWS} columns={COLUMNS} rowKey={(r) => String(r.id)} rowHeight={ROW_HEIGHT} height={HEIGHT} overscan={OVERSCAN} label="People" onOpen={onOpen} testId="table" rowTestId="row" />);
  return { grid: screen.getByTestId("table"), onOpen };
}

describe("VirtualTable", () => {
  it("renders only the visible rows (plus overscan) of 100k", () => {
    const { grid } = renderTable();
    const indexes = renderedIndexes();
    expect(indexes[0]).toBe(0);
    // 20 in view + 1 partial + 5 overscan below; none above row 0.
    expect(indexes.length).toBe(20 + 1 + OVERSCAN);
    expect(grid.getAttribute("aria-rowcount")).toBe(String(ROWS.length + 1));
    // The body is as tall as all rows, so the scrollbar is right.
    const body = grid.querySelector(".vt-body") as HTMLElement;
    expect(body.style.height).toBe(`${ROWS.length * ROW_HEIGHT}px`);
  });

  it("moves the rendered window with scrolling", () => {
    const { grid } = renderTable();
    act(() => {
      grid.scrollTop = 50_000 * ROW_HEIGHT;
      fireEvent.scroll(grid);
    });
    const indexes = renderedIndexes();
    expect(indexes[0]).toBe(50_000 - OVERSCAN);
    expect(indexes.at(-1)).toBe(50_000 + 20 + OVERSCAN);
    expect(indexes.length).toBeLessThan(40);
    expect(screen.getByText("user 50000")).toBeTruthy();
    expect(screen.queryByText("user 0")).toBeNull();
    const row = screen.getByText("user 50000").closest("[role=row]") as HTMLElement;
    expect(row.style.top).toBe(`${50_000 * ROW_HEIGHT}px`);
  });

  it("moves the active row with the arrow keys, scrolls to it, and opens it with Enter", () => {
    const { grid, onOpen } = renderTable();
    act(() => grid.focus());
    fireEvent.keyDown(grid, { key: "ArrowDown" });
    fireEvent.keyDown(grid, { key: "ArrowDown" });
    expect(grid.querySelector("[aria-selected=true]")?.textContent).toContain("user 2");
    fireEvent.keyDown(grid, { key: "Enter" });
    expect(onOpen).toHaveBeenCalledWith(ROWS[2], 2);
    fireEvent.keyDown(grid, { key: "End" });
    expect(grid.scrollTop).toBe(ROWS.length * ROW_HEIGHT - (HEIGHT - 32));
    expect(renderedIndexes()).toContain(99_999);
    expect(grid.getAttribute("aria-activedescendant")).toMatch(/row-99999$/);
  });

  it("opens a row on click", () => {
    const { onOpen } = renderTable();
    fireEvent.click(screen.getByText("user 3"));
    expect(onOpen).toHaveBeenCalledWith(ROWS[3], 3);
  });
});

describe("visibleRange", () => {
  it("clamps at both ends", () => {
    expect(visibleRange(0, 100, 10, 0, 3)).toEqual({ start: 0, end: 0 });
    expect(visibleRange(0, 100, 10, 5, 3)).toEqual({ start: 0, end: 5 });
    expect(visibleRange(10_000, 100, 10, 50, 3)).toEqual({ start: 46, end: 50 });
  });

  it("reveals a row below or above the viewport", () => {
    expect(scrollToReveal(30, 0, 100, 10)).toBe(210);
    expect(scrollToReveal(2, 100, 100, 10)).toBe(20);
    expect(scrollToReveal(12, 100, 100, 10)).toBe(100);
  });
});
