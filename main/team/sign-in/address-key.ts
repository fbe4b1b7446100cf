/**
 * What the sign-in throttle counts an address as. An IPv4 address is one host; an IPv6 host is
 * usually given a whole /64, so one attacker holds 2^64 addresses: IPv6 is counted by its /64.
 */
import { isIPv6 } from "node:net";

export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(address)) return address;
  const bare = address.toLowerCase().split("%")[0] ?? "";
  const [head = "", tail = ""] = bare.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = bare.includes("::") && tail !== "" ? tail.split(":") : [];
  // A dotted IPv4 tail stands for two groups.
  const width = (groups: string[]) => groups.length + (groups.at(-1)?.includes(".") ? 1 : 0);
  const groups = bare.includes("::") ? [...left, ...Array<string>(8 - width(left) - width(right)).fill("0"), ...right] : left;
  const prefix = groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, ""));
  return `${prefix.join(":")}::/64`;
}
