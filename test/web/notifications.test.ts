import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type TestServer } from '../support/testServer';
import { eventually, launchChromium } from './support/browser';
import { ensureWebBuild } from '../../scripts/build';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  await ensureWebBuild();
  server = await startServer();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Note {
  title: string;
  body: string | undefined;
}

/**
 * Runs before the app: records every Notification the page creates, and lets the test say whether
 * the tab is hidden (headless pages are always "visible").
 */
function instrument(): void {
  const w = window as unknown as { __notes: Note[]; __hidden: boolean; Notification: typeof Notification };
  w.__notes = [];
  w.__hidden = false;
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => w.__hidden });
  const Real = w.Notification;
  class Recorded extends Real {
    constructor(title: string, options?: NotificationOptions) {
      w.__notes.push({ title, body: options?.body });
      super(title, options);
    }
  }
  w.Notification = Recorded;
}

const notes = (page: Page) => page.evaluate(() => (window as unknown as { __notes: Note[] }).__notes);
const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate((value) => {
    (window as unknown as { __hidden: boolean }).__hidden = value;
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);

describe('browser notifications', { timeout: 120_000 }, () => {
  test('a DM or a mention while the tab is hidden notifies (as text); other messages and a visible tab do not', async () => {
    const alice = await server.user('alice');
    const bob = await server.user('bob');
    const guild = await alice.api.createGuild({ name: 'Notify Guild' });
    const channelId = guild.system_channel_id!;
    const invite = await alice.api.createInvite(channelId, { max_age: 0 });
    await bob.api.acceptInvite(invite.code);
    const dm = await alice.api.openDm(bob.id);

    const context = await browser.newContext({ baseURL: server.baseUrl });
    context.setDefaultTimeout(10_000);
    await context.grantPermissions(['notifications']);
    await context.addInitScript((token: string) => localStorage.setItem('concord.token', token), bob.token);
    await context.addInitScript(instrument);
    const page = await context.newPage();
    await page.goto(`/channels/${guild.id}/${channelId}`);
    await page.getByRole('button', { name: 'User settings' }).waitFor();

    // Visible tab: nothing pops up, whatever arrives.
    await alice.api.sendMessage(dm.id, { content: 'dm while you look' });
    await alice.api.sendMessage(channelId, { content: `<@${bob.id}> mention while you look` });
    await page.getByText('mention while you look').waitFor();

    await setHidden(page, true);
    await alice.api.sendMessage(channelId, { content: 'plain chatter, no mention' });
    await alice.api.sendMessage(dm.id, { content: '<img src=x onerror=alert(1)> are you there?' });
    await alice.api.sendMessage(channelId, { content: `<@${bob.id}> look at this` });
    await eventually(async () => (await notes(page)).length).toBe(2);
    const [dmNote, mentionNote] = await notes(page);
    expect(dmNote?.title).toContain('alice');
    expect(dmNote?.title).toContain('Direct message');
    expect(dmNote?.body).toBe('<img src=x onerror=alert(1)> are you there?');
    expect(mentionNote?.title).toContain('#general');
    expect(mentionNote?.body).toContain('look at this');

    // Back in view: no more notifications.
    await setHidden(page, false);
    await alice.api.sendMessage(dm.id, { content: 'welcome back' });
    await page
      .getByText('welcome back')
      .waitFor({ state: 'attached' })
      .catch(() => undefined);
    await alice.api.sendMessage(channelId, { content: `<@${bob.id}> seen live` });
    await page.getByText('seen live').waitFor();
    expect(await notes(page)).toHaveLength(2);
    await context.close();
  });
});
