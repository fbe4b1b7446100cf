/** Browser mode without a session token: say how to get in. */
export function NoTokenScreen() {
  return (
    <main className="no-token" data-testid="no-token">
      <h1>Open the link Gatehouse printed</h1>
      <p>
        In browser mode, Gatehouse only answers pages opened from the address it printed when it started — the one ending in <code>#token=…</code>. That token keeps other
        pages and programs on this computer out.
      </p>
      <p>Find the line in the terminal where Gatehouse runs and open that URL. This tab then keeps the token until it is closed; a restarted Gatehouse prints a new one.</p>
    </main>
  );
}
