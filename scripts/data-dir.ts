import { homedir } from "node:os";
import path from "node:path";

/** Browser mode's data folder: GATEHOUSE_DATA_DIR, else $XDG_DATA_HOME/gatehouse, else ~/.local/share/gatehouse. */
export function browserModeDataDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (env.GATEHOUSE_DATA_DIR) return path.resolve(env.GATEHOUSE_DATA_DIR);
  if (env.XDG_DATA_HOME) return path.join(env.XDG_DATA_HOME, "gatehouse");
  return path.join(home, ".local", "share", "gatehouse");
}
