// @vitest-environment happy-dom
/** The shared dialog keeps focus when its content is swapped under the focused element. */
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { Modal } from "../../renderer/src/components/Modal.tsx";

afterEach(cleanup);

function Steps({ onClose }: { onClose: () => void }) {
  const [done, setDone] = useState(false);
  return (
    <Modal title="Two steps" onClose={onClose} testId="steps">
      {done ? (
        <p>Done.</p>
      ) : (
        <button type="button" onClick={() => setDone(true)} data-testid="go">
          Go
        </button>
      )}
    </Modal>
  );
}

describe("Modal", () => {
  it("brings focus back inside when the focused step is replaced, so Escape still closes it", async () => {
    let closed = 0;
    render(<Steps onClose={() => closed++} />);
    const go = screen.getByTestId("go");
    go.focus();
    expect(document.activeElement).toBe(go);
    fireEvent.click(go);
    await screen.findByText("Done.");
    await waitFor(() => expect(screen.getByTestId("steps").contains(document.activeElement)).toBe(true));
    fireEvent.keyDown(document.activeElement as Element, { key: "Escape" });
    expect(closed).toBe(1);
  });
});
