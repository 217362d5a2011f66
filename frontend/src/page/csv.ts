// CSV export: fetched with the token in the Authorization header (never in a URL; a member's
// view sends its session cookie), then handed to the browser as a download.

import { authorizedFetch } from "./stream";

export async function downloadCsv(url: string, token: string, filename: string): Promise<void> {
  const response = await authorizedFetch(url, token);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
