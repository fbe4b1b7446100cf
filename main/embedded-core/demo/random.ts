/** A seeded generator, so the demo data set is the same on every machine and every run. */
export class DemoRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: small, fast and good enough for picking names. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A version-4-shaped UUID drawn from this generator. */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(16).toString(16));
    hex[12] = "4";
    hex[16] = (8 + this.int(4)).toString(16);
    const h = hex.join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

export const FIRST_NAMES = [
  "Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Radia", "Guido", "Frances", "Edsger",
  "Katherine", "Tim", "Hedy", "Donald", "Joan", "Niklaus", "Sophie", "Brian", "Annie", "Bjarne", "Lynn", "James",
  "Evelyn", "John", "Mary", "Vint", "Shafi", "Leslie", "Carol", "Whitfield", "Hal", "Anita", "Yukihiro", "Ruth",
];

export const LAST_NAMES = [
  "Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Perlman", "Rossum",
  "Allen", "Dijkstra", "Johnson", "Berners-Lee", "Lamarr", "Knuth", "Clarke", "Wirth", "Wilson", "Kernighan",
  "Easley", "Stroustrup", "Conway", "Gosling", "Berson", "Backus", "Keller", "Cerf", "Goldwasser", "Lamport",
  "Shaw", "Diffie", "Abelson", "Borg", "Matsumoto", "Teitelbaum",
];

export const DOMAINS = ["example.com", "acme.test", "globex.test", "initech.test", "umbrella.test", "hooli.test"];
