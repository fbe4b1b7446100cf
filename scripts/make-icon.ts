/**
 * `npx tsx scripts/make-icon.ts`: draws build/icon.png (512x512), the app icon electron-builder
 * turns into .icns, .ico and the Linux icon set: a white gatehouse (two towers and an arched gate)
 * on an indigo rounded square. Shapes are tested per pixel with 4x4 supersampling for smooth edges.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { encodePng } from "./png.ts";
import { ROOT } from "./run-tool.ts";

export const ICON_FILE = path.join(ROOT, "build", "icon.png");
const SIZE = 512;
const SAMPLES = 4;

type Rgba = [number, number, number, number];

const inRect = (x: number, y: number, x0: number, y0: number, x1: number, y1: number) => x >= x0 && x <= x1 && y >= y0 && y <= y1;

function inRoundedSquare(x: number, y: number, inset: number, radius: number): boolean {
  const lo = inset + radius;
  const hi = 1 - inset - radius;
  const dx = Math.max(lo - x, 0, x - hi);
  const dy = Math.max(lo - y, 0, y - hi);
  return inRect(x, y, inset, inset, 1 - inset, 1 - inset) && dx * dx + dy * dy <= radius * radius;
}

/** The gatehouse silhouette, in unit coordinates (y grows downwards). */
function inGatehouse(x: number, y: number): boolean {
  const towers = inRect(x, y, 0.2, 0.26, 0.38, 0.8) || inRect(x, y, 0.62, 0.26, 0.8, 0.8);
  const towerNotches = y < 0.31 && (inRect(x, y, 0.26, 0, 0.32, 1) || inRect(x, y, 0.68, 0, 0.74, 1));
  const wall = inRect(x, y, 0.36, 0.4, 0.64, 0.8);
  const wallNotches = y < 0.45 && (inRect(x, y, 0.41, 0, 0.47, 1) || inRect(x, y, 0.53, 0, 0.59, 1));
  const gate = inRect(x, y, 0.43, 0.6, 0.57, 1) || (x - 0.5) ** 2 + (y - 0.6) ** 2 <= 0.07 ** 2;
  const windows = inRect(x, y, 0.275, 0.42, 0.305, 0.52) || inRect(x, y, 0.695, 0.42, 0.725, 0.52);
  return ((towers && !towerNotches) || (wall && !wallNotches)) && !gate && !windows;
}

function colourAt(x: number, y: number): Rgba {
  if (!inRoundedSquare(x, y, 0.04, 0.18)) return [0, 0, 0, 0];
  if (inGatehouse(x, y)) return [255, 255, 255, 255];
  const t = y; // vertical gradient, indigo-500 to indigo-900
  return [Math.round(99 + (49 - 99) * t), Math.round(102 + (46 - 102) * t), Math.round(241 + (129 - 241) * t), 255];
}

export function drawIcon(size: number = SIZE): Buffer {
  const rgba = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const [r, g, b, a] = colourAt((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size);
          // Premultiplied, so transparent samples do not darken the edge.
          sum[0]! += r * a;
          sum[1]! += g * a;
          sum[2]! += b * a;
          sum[3]! += a;
        }
      }
      const [r, g, b, a] = sum as [number, number, number, number];
      const offset = (py * size + px) * 4;
      rgba.set(a === 0 ? [0, 0, 0, 0] : [Math.round(r / a), Math.round(g / a), Math.round(b / a), Math.round(a / SAMPLES ** 2)], offset);
    }
  }
  return encodePng(size, size, rgba);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(ROOT, "scripts", "make-icon.ts")) {
  mkdirSync(path.dirname(ICON_FILE), { recursive: true });
  writeFileSync(ICON_FILE, drawIcon());
  console.log(`Wrote ${path.relative(process.cwd(), ICON_FILE)}`);
}
