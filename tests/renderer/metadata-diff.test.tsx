// @vitest-environment happy-dom
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { JsonDiff } from "../../renderer/src/components/JsonDiff.tsx";
import { lineDiff } from "../../renderer/src/lib/lineDiff.ts";
import { applyMetadataUpdate, diffMetadata, parseJsonObject } from "../../renderer/src/lib/metadataDiff.ts";

afterEach(cleanup);

describe("diffMetadata (the Core's top-level merge)", () => {
  const current = { plan: "pro", isUsingTemporaryPassword: true, prefs: { theme: "dark", lang: "en" }, tags: ["a", "b"], keep: 1 };

  it("sends changed and added keys with their values, and null for removed keys", () => {
    const proposed = { plan: "enterprise", prefs: { theme: "light", lang: "en" }, tags: ["a", "b"], keep: 1, passwordlessUserId: "pl-9" };
    const diff = diffMetadata(current, proposed);
    expect(diff.changed).toEqual(["plan", "prefs"]);
    expect(diff.added).toEqual(["passwordlessUserId"]);
    expect(diff.removed).toEqual(["isUsingTemporaryPassword"]);
    // Nested objects are replaced whole, so the whole new value is sent.
    expect(diff.update).toEqual({ plan: "enterprise", prefs: { theme: "light", lang: "en" }, passwordlessUserId: "pl-9", isUsingTemporaryPassword: null });
    expect(diff.empty).toBe(false);
    expect(applyMetadataUpdate(current, diff.update)).toEqual(proposed);
  });

  it("treats a top-level null as a removal, and ignores key order", () => {
    expect(diffMetadata(current, { ...current, keep: null }).update).toEqual({ keep: null });
    expect(diffMetadata({ a: 1 }, { b: null, a: 1 }).empty).toBe(true);
    expect(diffMetadata({ o: { x: 1, y: 2 } }, { o: { y: 2, x: 1 } }).empty).toBe(true);
  });

  it("replaces an array whole when one entry changes", () => {
    expect(diffMetadata({ allowList: ["a@x.com", "b@x.com"] }, { allowList: ["a@x.com"] }).update).toEqual({ allowList: ["a@x.com"] });
  });

  it("accepts only a JSON object in the editor", () => {
    expect(parseJsonObject('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonObject("[1]").ok).toBe(false);
    expect(parseJsonObject("{a:1}").ok).toBe(false);
  });
});

describe("lineDiff", () => {
  it("marks added and removed lines around common ones", () => {
    expect(lineDiff("a\nb\nc", "a\nx\nc")).toEqual([
      { kind: "same", text: "a" },
      { kind: "remove", text: "b" },
      { kind: "add", text: "x" },
      { kind: "same", text: "c" },
    ]);
    expect(lineDiff("a", "a")).toEqual([{ kind: "same", text: "a" }]);
  });
});

describe("JsonDiff", () => {
  it("lists changed, added and removed keys and shows the update sent", () => {
    render(<JsonDiff current={{ plan: "pro", old: true }} proposed={{ plan: "max", fresh: 1 }} />);
    const diff = screen.getByTestId("json-diff");
    expect(diff.textContent).toContain("Changed: plan");
    expect(diff.textContent).toContain("Added: fresh");
    expect(diff.textContent).toContain("Removed: old");
    expect(JSON.parse(screen.getByTestId("json-diff-update").textContent ?? "")).toEqual({ plan: "max", fresh: 1, old: null });
    expect(diff.querySelectorAll(".json-diff__line--add").length).toBeGreaterThan(0);
    expect(diff.querySelectorAll(".json-diff__line--remove").length).toBeGreaterThan(0);
  });

  it("says when nothing changes", () => {
    render(<JsonDiff current={{ a: 1 }} proposed={{ a: 1 }} />);
    expect(screen.getByTestId("json-diff").textContent).toBe("No changes.");
  });
});
