/** Saving text the main process produced (CSV, JSON lines) as a file, through a Blob URL. */
export interface PreparedDownload {
  url: string;
  filename: string;
  revoke(): void;
}

export function prepareDownload(content: string, filename: string, mime: string): PreparedDownload {
  const url = URL.createObjectURL(new Blob([content], { type: `${mime};charset=utf-8` }));
  return { url, filename, revoke: () => URL.revokeObjectURL(url) };
}

/** Clicks a temporary download link, which saves the file in browsers and in Electron. */
export function startDownload(download: PreparedDownload): void {
  const link = document.createElement("a");
  link.href = download.url;
  link.download = download.filename;
  link.rel = "noopener";
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
}
