import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type TestServer } from '../support/testServer';
import { eventually, launchChromium } from './support/browser';
import { ensureWebBuild } from '../../scripts/build';
import { openAppAs } from './support/session';
import { SHORT_PAYLOADS, XSS_PAYLOADS } from './support/xssPayloads';

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

describe('hostile content renders as inert text', { timeout: 90_000 }, () => {
  test('messages, names, topics and group names full of HTML and script URLs run nothing', async () => {
    const mallory = await server.user('mallory');
    const victim = await server.user('victim');
    const [name0 = '', name1 = '', name2 = ''] = SHORT_PAYLOADS;
    const guild = await mallory.api.createGuild({ name: `Guild ${name0}` });
    const general = (await mallory.api.guildChannels(guild.id)).find((channel) => channel.name === 'general');
    if (general === undefined) throw new Error('no #general');
    await mallory.api.modifyChannel(general.id, { topic: XSS_PAYLOADS.slice(0, 6).join(' ') });
    await mallory.api.createGuildChannel(guild.id, { name: name1, topic: XSS_PAYLOADS[1] ?? '' });
    await mallory.api.createRole(guild.id, { name: name2, hoist: true });
    await mallory.api.updateMe({ global_name: name1 });
    const invite = await mallory.api.createInvite(general.id, { max_age: 0 });
    await victim.api.acceptInvite(invite.code);
    await mallory.api.modifyCurrentMember(guild.id, { nick: name2 });
    const group = await mallory.api.createGroupDm({ recipients: [victim.id], name: name0 });
    await mallory.api.sendMessage(group.id, { content: XSS_PAYLOADS[0] ?? '' });
    for (const payload of XSS_PAYLOADS) await mallory.api.sendMessage(general.id, { content: payload });

    const ui = await openAppAs(browser, server.baseUrl, victim, `/channels/${guild.id}/${general.id}`);
    const dialogs: string[] = [];
    ui.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const consoleErrors: string[] = [];
    ui.page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    const list = ui.page.getByTestId('message-list');
    // The payloads are shown, as the text they are.
    await list.getByText('<script>window.__xss = 1</script>', { exact: true }).waitFor();
    await list.getByText('<object data="javascript:window.__xss=22"></object>', { exact: true }).waitFor();
    await ui.page.getByTestId('channel-topic').getByText('<svg onload=window.__xss=3>', { exact: false }).waitFor();
    await ui.page
      .getByRole('button', { name: new RegExp(`^${escapeRegExp(name2)}`) })
      .first()
      .waitFor();

    const inspect = async (): Promise<string[]> => {
      const report = await ui.page.evaluate(() => {
        const root = document.getElementById('root') ?? document.body;
        const elements = Array.from(root.querySelectorAll('*'));
        const banned = ['SCRIPT', 'IMG', 'IFRAME', 'OBJECT', 'EMBED', 'STYLE', 'DETAILS', 'MATH'];
        return {
          flag: (window as { __xss?: unknown }).__xss,
          hrefs: Array.from(root.querySelectorAll('a'))
            .map((a) => a.getAttribute('href') ?? '')
            .filter((href) => !href.startsWith('#')),
          foreign: elements.filter((element) => banned.includes(element.tagName)).map((element) => element.tagName),
          handlers: elements.flatMap((element) =>
            Array.from(element.attributes)
              .filter((attribute) => attribute.name.startsWith('on'))
              .map((attribute) => attribute.name),
          ),
        };
      });
      expect(report.flag).toBeUndefined();
      expect(report.foreign).toEqual([]);
      expect(report.handlers).toEqual([]);
      for (const href of report.hrefs) expect(href).toMatch(/^(https?:|mailto:)/);
      return report.hrefs;
    };

    // Hover every message (mouseover payloads), open the sender's profile and the group DM.
    for (const row of await list.getByTestId('message').all()) await row.hover();
    // The safe links among the payloads are links (so the check above saw some); the others are text.
    expect((await inspect()).length).toBeGreaterThan(0);
    await ui.page
      .getByRole('button', { name: `Open profile of ${name2}` })
      .first()
      .click();
    await ui.page.getByRole('dialog').getByText(name1).waitFor();
    await ui.page.getByRole('button', { name: 'Close' }).click();
    await ui.page.getByRole('button', { name: /^Direct Messages/ }).click();
    await ui.page.getByRole('button', { name: new RegExp(`^${escapeRegExp(name0)}`) }).click();
    await list.getByText('<script>window.__xss = 1</script>', { exact: true }).waitFor();
    await inspect();

    expect(dialogs).toEqual([]);
    // Nothing even tried to run inline script (the CSP would report it).
    expect(consoleErrors.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
    await eventually(() => ui.page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(ui.errors).toEqual([]);
    await ui.context.close();
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
