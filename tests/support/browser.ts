import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's chromium (infra/scripts/bootstrap.sh installs it); browser tests skip, saying so, without it. */
export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

/** A page under test and what it did wrong so far. */
export interface WatchedPage {
  browser: Browser;
  page: Page;
  /** Console errors, page errors, failed requests and HTTP responses of 400 and more, in order. */
  problems: string[];
  /** Full page loads so far (a history.replaceState is a same-document navigation, not a load). */
  loads: () => number;
}

/**
 * Headless chromium with one page at a laptop's 1366×768, watched for problems. Without the background
 * networking flags chromium keeps trying hosts this closed network refuses. The caller closes the browser.
 */
export async function openWatchedPage(): Promise<WatchedPage> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  let loads = 0;
  page.on('load', () => {
    loads++;
  });
  return { browser, page, problems, loads: () => loads };
}
