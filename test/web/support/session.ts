import type { Browser } from 'playwright-core';
import type { TestUser } from '../../support/testServer';
import type { BrowserUser } from './browser';

/** Opens the app already logged in as an API-registered user (the token the login form would store). */
export async function openAppAs(
  browser: Browser,
  baseUrl: string,
  user: TestUser,
  path = '/',
  viewport = { width: 1280, height: 800 },
): Promise<BrowserUser> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport });
  context.setDefaultTimeout(10_000);
  await context.addInitScript((token: string) => {
    if (localStorage.getItem('concord.token') === null) localStorage.setItem('concord.token', token);
  }, user.token);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  await page.goto(path);
  await page.getByRole('button', { name: 'User settings' }).waitFor();
  return { context, page, errors };
}
