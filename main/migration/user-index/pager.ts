/**
 * A tenant's users, oldest first, read a few pages ahead of whoever takes them: the Core lists
 * the next pages (and reads their metadata) while this process parses and writes the current one.
 * The Core's token for a page is only known once the page before it is listed, so listings chain
 * one after another and each page's metadata follows its listing. A scan keeps one pager per
 * tenant across its items, so the Core has work while the job engine journals one item and takes
 * the next.
 */
export interface PagerPage<T> {
  /** The Core's token for the page after this one; null at the end. */
  token: string | null;
  value: T;
}

export class Pager<L, T> {
  private readonly queue: Promise<PagerPage<T> | null>[] = [];
  /** The token of the next listing to ask for (null: the end was reached). */
  private tail: Promise<string | null>;
  /** The cursor the next take() starts at, for handing the pager over to the next item. */
  expected: string;

  constructor(
    start: string,
    /** One listing call: the page as listed and the token after it. */
    private readonly list: (token: string) => Promise<PagerPage<L>>,
    /** What a listed page needs besides (its metadata), asked as soon as it is listed. */
    private readonly enrich: (listed: L) => Promise<T>,
    private readonly depth: number,
  ) {
    this.tail = Promise.resolve(start);
    this.expected = start;
  }

  /** The next page (null after the end). A failed page fails its take; the pager is then spent. */
  async take(): Promise<PagerPage<T> | null> {
    this.fill();
    const next = this.queue.shift();
    this.fill();
    const page = next ? await next : null;
    if (page?.token) this.expected = page.token;
    return page;
  }

  private fill(): void {
    while (this.queue.length < this.depth) {
      const listing = this.tail.then((token) => (token === null ? null : this.list(token)));
      this.tail = listing.then((l) => l?.token ?? null);
      const page = listing.then(async (l) => (l === null ? null : { token: l.token, value: await this.enrich(l.value) }));
      // Awaited later (or never, when the scan stops): a failure meanwhile is not "unhandled".
      page.catch(() => {});
      this.tail.catch(() => {});
      this.queue.push(page);
    }
  }
}
