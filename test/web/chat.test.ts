import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type TestServer } from '../support/testServer';
import { eventually, launchChromium, openApp, registerViaUi, screenshot, type BrowserUser } from './support/browser';
import { ensureWebBuild } from '../../scripts/build';

/**
 * Two people in two browser profiles against a real node: everything goes through the UI (and so
 * through the SDK and the public API), and each step is checked on the other person's screen.
 */
let server: TestServer;
let browser: Browser;
let alice: BrowserUser;
let bob: BrowserUser;
let inviteCode = '';
const password = 'correct-horse-battery';

beforeAll(async () => {
  await ensureWebBuild();
  server = await startServer();
  browser = await launchChromium();
}, 180_000);

afterEach(async (context) => {
  if ((context.task.result?.errors?.length ?? 0) === 0) return;
  for (const [name, user] of [
    ['alice', alice],
    ['bob', bob],
  ] as const) {
    await user?.page.screenshot({ path: `/tmp/fail-${name}.png` }).catch(() => undefined);
    if (user !== undefined) console.error(name, user.errors);
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const messages = (page: Page) => page.getByTestId('message-list').getByTestId('message');
/** A message whose own text (not a reply preview inside it) contains `text`. */
const messageWith = (page: Page, text: string) =>
  messages(page).filter({ has: page.getByTestId('message-content').filter({ hasText: text }) });

/** Holds every animation frame back 10 ms until the returned function is called. */
async function delayAnimationFrames(page: Page): Promise<() => Promise<void>> {
  await page.evaluate(() => {
    const original = window.requestAnimationFrame;
    Object.assign(window, { concordOriginalFrame: original });
    window.requestAnimationFrame = (callback) => {
      setTimeout(() => original.call(window, callback), 10);
      return 0;
    };
  });
  return () =>
    page.evaluate(() => {
      const { concordOriginalFrame } = window as unknown as { concordOriginalFrame: typeof requestAnimationFrame };
      window.requestAnimationFrame = concordOriginalFrame;
    });
}

async function send(page: Page, text: string): Promise<void> {
  const box = page.locator('#composer-input');
  await box.fill(text);
  await box.press('Enter');
}

describe('two people chatting in the web client', { timeout: 120_000 }, () => {
  test('register, create a server, invite, join, type, and chat both ways', async () => {
    alice = await openApp(browser, server.baseUrl);
    await alice.page.getByRole('heading', { name: 'Welcome back!' }).waitFor();
    await screenshot(alice.page, 'login');
    await registerViaUi(alice.page, 'alice', password);
    bob = await openApp(browser, server.baseUrl);
    await registerViaUi(bob.page, 'bob', password);

    await alice.page.getByRole('button', { name: 'Add a server' }).click();
    await alice.page.getByLabel('Server name').fill('Concord Club');
    await alice.page.getByRole('button', { name: 'Create Server' }).click();
    await alice.page.getByRole('heading', { level: 1, name: 'general' }).waitFor();

    await alice.page.getByRole('button', { name: 'Invite people' }).click();
    const link = await alice.page.getByTestId('invite-link').inputValue();
    expect(link).toMatch(new RegExp(`^${server.baseUrl}/invite/[A-Za-z0-9-]+$`));
    inviteCode = link.split('/').pop() ?? '';
    await alice.page.getByRole('button', { name: 'Close' }).click();

    // Bob follows the link: the node serves the app there, which opens the join dialog.
    await bob.page.goto(link);
    await bob.page.getByRole('button', { name: 'Join Server' }).click();
    await bob.page.getByRole('heading', { level: 1, name: 'general' }).waitFor();

    // Bob's first keystrokes show as "bob is typing…" on Alice's screen.
    await bob.page.locator('#composer-input').pressSequentially('Hi', { delay: 20 });
    await eventually(() => alice.page.getByTestId('typing-indicator').innerText()).toBe('bob is typing…');
    await bob.page.locator('#composer-input').fill('');

    await send(alice.page, 'Hello **Bob**, welcome to the club!');
    await messageWith(bob.page, 'welcome to the club').waitFor();
    await eventually(() => messageWith(bob.page, 'welcome to the club').locator('strong').innerText()).toBe('Bob');
    await send(bob.page, 'Thanks Alice! Glad to be here');
    await messageWith(alice.page, 'Glad to be here').waitFor();
    // Each side shows each message once.
    await eventually(() => messageWith(alice.page, 'welcome to the club').count()).toBe(1);
    await eventually(() => messageWith(bob.page, 'Glad to be here').count()).toBe(1);
  });

  test('presence and status show on the other side', async () => {
    const bobInAlicesList = alice.page.getByRole('button', { name: /^bob, / });
    await eventually(() => bobInAlicesList.getAttribute('data-status')).toBe('online');
    await bob.page.getByRole('button', { name: /^Set status/ }).click();
    await bob.page.getByRole('menuitemradio', { name: 'Do Not Disturb' }).click();
    await eventually(() => bobInAlicesList.getAttribute('data-status')).toBe('dnd');
    await bob.page.getByRole('button', { name: /^Set status/ }).click();
    await bob.page.getByRole('menuitemradio', { name: 'Invisible' }).click();
    await eventually(() => bobInAlicesList.getAttribute('data-status')).toBe('offline');
    await bob.page.getByRole('button', { name: /^Set status/ }).click();
    await bob.page.getByRole('menuitemradio', { name: 'Online' }).click();
    await eventually(() => bobInAlicesList.getAttribute('data-status')).toBe('online');
  });

  test('edit (Up arrow), react, reply, and delete', async () => {
    await send(alice.page, 'A message with a typo: teh');
    await messageWith(bob.page, 'typo: teh').waitFor();
    // Up in the empty composer edits the last own message.
    await alice.page.locator('#composer-input').press('ArrowUp');
    const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('A message with a typo: the');
    await editor.press('Enter');
    const edited = messageWith(bob.page, 'typo: the');
    await edited.waitFor();
    await eventually(() => edited.innerText()).toContain('(edited)');

    await edited.hover();
    await edited.getByRole('button', { name: 'Add reaction' }).click();
    await bob.page.getByRole('button', { name: 'thumbs up' }).click();
    const reaction = messageWith(alice.page, 'typo: the').getByRole('button', { name: '👍 1' });
    await reaction.waitFor();
    expect(await reaction.getAttribute('aria-pressed')).toBe('false');

    await edited.hover();
    await edited.getByRole('button', { name: 'Reply' }).click();
    await bob.page.getByTestId('reply-bar').waitFor();
    await send(bob.page, 'Replying to your fixed typo');
    const reply = messageWith(alice.page, 'Replying to your fixed typo');
    await reply.waitFor();
    await eventually(() => reply.getByTestId('reply-preview').innerText()).toContain('A message with a typo: the');
    await send(bob.page, 'Docs are at https://example.com/docs, run `npm start` and\n> it serves this very page');
    const docs = messageWith(alice.page, 'Docs are at');
    await docs.waitFor();
    expect(await docs.getByRole('link').getAttribute('href')).toBe('https://example.com/docs');
    await eventually(() => docs.locator('code').innerText()).toBe('npm start');
    await alice.page.mouse.move(0, 0);
    await screenshot(alice.page, 'guild-chat');

    const own = messageWith(alice.page, 'typo: the').first();
    await own.hover();
    await own.getByRole('button', { name: 'Delete' }).click();
    await own.getByRole('button', { name: 'Confirm delete' }).click();
    await eventually(() => messageWith(bob.page, 'A message with a typo').count()).toBe(0);
    await eventually(() => messageWith(alice.page, 'A message with a typo').count()).toBe(0);
  });

  test('a DM and a group DM', async () => {
    await alice.page.getByRole('button', { name: /^bob, / }).click();
    await alice.page.getByRole('dialog').getByRole('button', { name: 'Message' }).click();
    await alice.page.getByRole('heading', { level: 1, name: 'bob' }).waitFor();
    await send(alice.page, 'psst, a private word');

    const dmEntry = bob.page.getByRole('button', { name: /^alice, online, 1 unread$/ });
    await bob.page.getByRole('button', { name: /^Direct Messages/ }).click();
    await dmEntry.waitFor();
    await dmEntry.click();
    await messageWith(bob.page, 'psst, a private word').waitFor();
    await send(bob.page, 'a private answer');
    await messageWith(alice.page, 'a private answer').waitFor();
    await screenshot(bob.page, 'dm');

    // Carol joins the server through the API, so Alice knows her and can add her to a group.
    const carol = await server.user('carol');
    await carol.api.acceptInvite(inviteCode);
    await alice.page.getByRole('button', { name: 'New group DM' }).click();
    const picker = alice.page.getByRole('dialog');
    await picker.getByRole('checkbox', { name: /bob/ }).check();
    await picker.getByRole('checkbox', { name: /carol/ }).check();
    await picker.getByRole('button', { name: 'Create Group DM' }).click();
    await alice.page.getByRole('heading', { level: 1, name: 'bob, carol' }).waitFor();
    await send(alice.page, 'hello group');

    await bob.page.getByRole('button', { name: /^alice, carol/ }).click();
    await messageWith(bob.page, 'hello group').waitFor();
    const groups = (await carol.api.privateChannels()).filter((channel) => channel.type === 3);
    expect(groups).toHaveLength(1);
    const seen = await carol.api.messages(groups[0]?.id ?? '');
    expect(seen.map((message) => message.content)).toContain('hello group');
  });

  test('a mention while away: badge and tab title, kept across a reload, cleared once read', async () => {
    // Bob is in the group DM; Alice mentions him in #general through the autocomplete.
    await alice.page.getByRole('button', { name: /^Concord Club/ }).click();
    await alice.page.getByRole('heading', { level: 1, name: 'general' }).waitFor();
    // Frames come late on a busy machine: typing on straight after picking a name must still land
    // after the name, not wherever the caret was put one frame later.
    const restoreFrames = await delayAnimationFrames(alice.page);
    const box = alice.page.locator('#composer-input');
    await box.pressSequentially('@bo');
    await alice.page.getByRole('option', { name: /bob/ }).waitFor();
    await box.press('Enter');
    await box.pressSequentially('see this when you are back');
    expect(await box.inputValue()).toBe('@bob see this when you are back');
    await box.press('Enter');
    await restoreFrames();
    await messageWith(alice.page, 'see this when you are back').waitFor();
    await eventually(() => messageWith(alice.page, 'see this when you are back').locator('.mention').innerText()).toBe(
      '@bob',
    );

    const guildButton = bob.page.getByRole('button', { name: /^Concord Club/ });
    await eventually(() => guildButton.getAttribute('aria-label')).toBe('Concord Club, 1 mentions');
    await eventually(() => bob.page.title()).toBe('(1) Concord');

    await bob.page.reload();
    await eventually(() => guildButton.getAttribute('aria-label')).toBe('Concord Club, 1 mentions');
    await guildButton.click();
    const marker = bob.page.getByTestId('new-messages-marker');
    await marker.waitFor();
    // History survived the reload, the new-messages line sits above the mention, and it is read now.
    await messageWith(bob.page, 'welcome to the club').waitFor();
    const mention = messageWith(bob.page, 'see this when you are back');
    await mention.waitFor();
    expect(await marker.locator('xpath=following-sibling::article[1]').innerText()).toContain(
      'see this when you are back',
    );
    await eventually(() => guildButton.getAttribute('aria-label')).toBe('Concord Club');
    await eventually(() => bob.page.title()).toBe('Concord');
    await bob.page.reload();
    await bob.page.getByRole('heading', { level: 1, name: 'general' }).waitFor();
    await eventually(() => guildButton.getAttribute('aria-label')).toBe('Concord Club');
  });

  test('server settings (rename, roles, kick) and phone width', async () => {
    await alice.page.getByRole('button', { name: 'Server settings' }).click();
    const dialog = alice.page.getByRole('dialog');
    await dialog.getByRole('tab', { name: 'Roles' }).click();
    await dialog.getByRole('button', { name: 'Create Role' }).click();
    await dialog.getByRole('button', { name: 'new role' }).waitFor();
    await dialog.getByLabel('Role name').fill('Moderators');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.getByRole('button', { name: 'Moderators' }).waitFor();
    await screenshot(alice.page, 'settings');
    await dialog.getByRole('tab', { name: 'Overview' }).click();
    await dialog.getByLabel('Server name').fill('Concord Society');
    await dialog.getByRole('button', { name: 'Save Changes' }).click();
    await bob.page.getByRole('heading', { name: 'Concord Society' }).waitFor();
    // Kicking Bob takes the server away from his screen, and him off its pages.
    await dialog.getByRole('tab', { name: 'Members' }).click();
    const bobRow = dialog.getByRole('list', { name: 'Members' }).getByRole('listitem').filter({ hasText: '@bob' });
    await bobRow.getByRole('button', { name: 'Kick' }).click();
    await eventually(() => bob.page.getByRole('button', { name: /^Concord Society/ }).count()).toBe(0);
    await eventually(() => bob.page.evaluate(() => window.location.pathname)).toBe('/channels/@me');
    await dialog.getByRole('button', { name: 'Close' }).click();

    await alice.page.setViewportSize({ width: 390, height: 844 });
    await alice.page.getByRole('heading', { level: 1, name: 'general' }).waitFor();
    await screenshot(alice.page, 'phone');
    await alice.page.getByRole('button', { name: 'Open channels and servers' }).click();
    await alice.page.getByRole('button', { name: 'Direct Messages' }).click();
    await screenshot(alice.page, 'phone-nav');
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  test('log in on a second device, revoke it from the first, and log out', async () => {
    const second = await openApp(browser, server.baseUrl);
    await second.page.getByLabel('Username').fill('alice');
    await second.page.getByLabel('Password').fill(password);
    await second.page.getByRole('button', { name: 'Log In' }).click();
    await second.page.getByRole('button', { name: 'User settings' }).waitFor();

    await alice.page.setViewportSize({ width: 1280, height: 800 });
    await alice.page.getByRole('button', { name: 'User settings' }).click();
    const devices = alice.page.getByRole('list', { name: 'Signed-in devices' });
    await eventually(() => devices.getByRole('listitem').count()).toBe(2);
    await devices.getByRole('button', { name: 'Log out device' }).click();
    await eventually(() => devices.getByRole('listitem').count()).toBe(1);
    // The revoked browser is sent back to the login screen.
    await second.page.getByText('You were logged out.').waitFor();
    await second.context.close();

    await alice.page.getByRole('button', { name: 'Log Out' }).click();
    await alice.page.getByRole('heading', { name: 'Welcome back!' }).waitFor();
    await alice.page.reload();
    await alice.page.getByRole('heading', { name: 'Welcome back!' }).waitFor();
  });
});
