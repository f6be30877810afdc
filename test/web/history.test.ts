import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { aMessage } from '../conformance/contracts/messageFixtures';
import { startServer, type TestServer, type TestUser } from '../support/testServer';
import { eventually, launchChromium, screenshot } from './support/browser';
import { ensureWebBuild } from '../../scripts/build';
import { openAppAs } from './support/session';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  await ensureWebBuild();
  // A short heartbeat, so a connection cut without a close frame is noticed quickly.
  server = await startServer({ gateway: { heartbeatIntervalMs: 1500 } });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A guild owned by `owner` with `others` joined; returns the guild and its #general. */
async function guildWith(owner: TestUser, others: TestUser[]): Promise<{ guildId: string; channelId: string }> {
  const guild = await owner.api.createGuild({ name: 'History Hall' });
  const channels = await owner.api.guildChannels(guild.id);
  const general = channels.find((channel) => channel.name === 'general');
  if (general === undefined) throw new Error('no #general');
  const invite = await owner.api.createInvite(general.id, { max_age: 0 });
  for (const other of others) await other.api.acceptInvite(invite.code);
  return { guildId: guild.id, channelId: general.id };
}

/**
 * Writes `count` messages "<prefix> 00001"… straight into the node's store, in order (the API would take
 * minutes for 10,000; what is tested here is the client reading them).
 */
async function seedStore(authorId: string, channelId: string, count: number, prefix: string): Promise<void> {
  const start = Date.now() - count * 1000;
  for (let from = 1; from <= count; from += 500) {
    const batch = Array.from({ length: Math.min(500, count - from + 1) }, (_, i) => from + i);
    // Submitted together, committed together: seq order follows submission order.
    await Promise.all(
      batch.map((n) =>
        server.store.messages.append(
          aMessage(channelId, authorId, {
            content: `${prefix} ${String(n).padStart(5, '0')}`,
            createdAt: start + n * 1000,
          }),
        ),
      ),
    );
  }
}

/** Seqs of the message rows mounted right now (the list is virtualized: only those near the viewport). */
function mountedSeqs(page: Page): Promise<number[]> {
  return page
    .getByTestId('message-list')
    .getByTestId('message')
    .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-seq'))));
}

describe('history and reconnects in the web client', { timeout: 150_000 }, () => {
  test('scrolling up through a long history fetches older pages, and only what is visible is mounted', async () => {
    const owner = await server.user();
    const reader = await server.user();
    const { guildId, channelId } = await guildWith(owner, [reader]);
    const total = 10_000;
    await seedStore(owner.id, channelId, total, 'history');

    const user = await openAppAs(browser, server.baseUrl, reader, `/channels/${guildId}/${channelId}`);
    const pagesFetched: string[] = [];
    user.page.on('request', (request) => {
      if (/\/messages\?.*before_seq=/.test(request.url())) pagesFetched.push(request.url());
    });
    const list = user.page.getByTestId('message-list');
    await list.getByText(`history ${String(total).padStart(5, '0')}`).waitFor();

    const start = user.page.getByText("This is the start of the channel's history.");
    let lowest = Math.min(...(await mountedSeqs(user.page)));
    const toTop = () =>
      list.evaluate((element) => {
        element.scrollTop = 0;
      });
    while (!(await start.isVisible())) {
      await toTop();
      // Either an older page came in (lower seqs mounted) or the channel's first message was reached. A
      // list that keeps the reader's place when a page is prepended shows the older rows only on the next
      // scroll up, as a reader would do: keep scrolling while waiting.
      await eventually(async () => {
        if ((await start.isVisible()) || Math.min(...(await mountedSeqs(user.page))) < lowest) return true;
        await toTop();
        return false;
      }).toBe(true);
      const seqs = await mountedSeqs(user.page);
      // In order, no duplicates, and a bounded number of rows in the DOM whatever the history length.
      expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
      expect(seqs.length).toBeLessThan(150);
      lowest = Math.min(lowest, ...seqs);
    }
    await list.getByText('history 00001').waitFor();
    // 10,000 messages at 100 per page: about 100 older pages were read, each one once.
    expect(pagesFetched.length).toBeGreaterThanOrEqual(98);
    expect(new Set(pagesFetched).size).toBe(pagesFetched.length);
    // Jump to present brings back the newest message.
    await user.page.getByRole('button', { name: 'Jump to present' }).click();
    await list.getByText(`history ${String(total).padStart(5, '0')}`).waitFor();
    await user.context.close();
  });

  test('offline and back: nothing lost, nothing doubled, and a failed send is retried with its nonce', async () => {
    const dora = await server.user('dora');
    const eve = await server.user('eve');
    const { guildId, channelId } = await guildWith(dora, [eve]);
    const path = `/channels/${guildId}/${channelId}`;
    const doraUi = await openAppAs(browser, server.baseUrl, dora, path);
    const eveUi = await openAppAs(browser, server.baseUrl, eve, path);
    // The nonce of every attempt to send Eve's message (the failed one and the retry).
    const attempts: unknown[] = [];
    eveUi.page.on('request', (request) => {
      const body =
        request.method() === 'POST' ? (request.postDataJSON() as { content?: string; nonce?: unknown } | null) : null;
      if (body?.content === 'written while offline') attempts.push(body.nonce);
    });
    const box = (page: Page) => page.locator('#composer-input');
    const rows = (page: Page, text: string) =>
      page.getByTestId('message-list').getByTestId('message').filter({ hasText: text });

    await box(doraUi.page).fill('before the outage');
    await box(doraUi.page).press('Enter');
    await rows(eveUi.page, 'before the outage').waitFor();

    await eveUi.context.setOffline(true);
    await eventually(() => eveUi.page.getByTestId('connection-banner').getAttribute('data-state')).toBe('reconnecting');
    await screenshot(eveUi.page, 'reconnecting');
    for (let n = 1; n <= 5; n++) {
      await box(doraUi.page).fill(`during the outage ${n}`);
      await box(doraUi.page).press('Enter');
    }
    await rows(doraUi.page, 'during the outage 5').waitFor();
    await box(eveUi.page).fill('written while offline');
    await box(eveUi.page).press('Enter');
    const failed = eveUi.page.getByTestId('pending-message').filter({ hasText: 'written while offline' });
    await eventually(() => failed.getAttribute('data-status')).toBe('failed');
    const nonce = await failed.getAttribute('data-nonce');

    await eveUi.context.setOffline(false);
    await eventually(() => eveUi.page.getByTestId('connection-banner').getAttribute('data-state')).toBe('back-online');
    for (let n = 1; n <= 5; n++) await rows(eveUi.page, `during the outage ${n}`).waitFor();

    await failed.getByRole('button', { name: 'Retry' }).click();
    await rows(doraUi.page, 'written while offline').waitFor();
    await rows(eveUi.page, 'written while offline').waitFor();
    await eventually(() => failed.count()).toBe(0);

    // Every message once, on both screens and on the server; the retried one kept its nonce.
    const stored = await dora.api.messages(channelId, { limit: 100 });
    const contents = stored.map((message) => message.content).filter((content) => !content.startsWith('<'));
    expect(new Set(contents).size).toBe(contents.length);
    expect(contents.filter((content) => content === 'written while offline')).toHaveLength(1);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(attempts)).toEqual(new Set([nonce]));
    for (const ui of [doraUi, eveUi]) {
      const seqs = await mountedSeqs(ui.page);
      expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
      for (const text of ['before the outage', 'during the outage 3', 'written while offline']) {
        expect(await rows(ui.page, text).count()).toBe(1);
      }
    }
    expect(doraUi.errors).toEqual([]);
    expect(eveUi.errors).toEqual([]);
    await doraUi.context.close();
    await eveUi.context.close();
  });
});
