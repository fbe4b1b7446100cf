/** The two IPC channels between preload and main; nothing else crosses the bridge. */
export const INVOKE_CHANNEL = "gatehouse:invoke";
export const EVENT_CHANNEL = "gatehouse:event";
