/** "1 user", "2 users": a count with its noun in the right number (jobs' one-line descriptions). */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
