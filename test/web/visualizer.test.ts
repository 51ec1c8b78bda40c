/**
 * The visualizer in a real browser (Debian's Chromium, headless): identities, the signed bundle
 * and a tampered one refused, PQXDH with its DH1–DH4 and ML-KEM inputs, three messages with one
 * dropped (its key listed in Bob's skipped-key cache, then delivered late), a reply, a forgery
 * refused with its error code, a replay refused, and matching safety numbers with QR codes.
 * Screenshots of each state go to test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openPage, type WebHarness } from './browser.ts';

let web: WebHarness;
beforeAll(async () => {
  web = await openPage();
});
afterAll(async () => {
  await web?.close();
});

const text = (id: string) => web.page.getByTestId(id).innerText();
const click = (id: string) => web.page.getByTestId(id).click();

describe('web visualizer (Chromium) — PQXDH rev. 3 §3, Double Ratchet rev. 1 §3.5/§4', () => {
  test('handshake, three messages, a drop, a forgery, a replay, safety numbers', async () => {
    const { page } = web;
    await click('step-identities');
    await expect(page.locator('#alice').innerText()).resolves.toContain('ML-DSA-65');
    await web.shot('01-identities');

    await click('step-bundle');
    await click('step-tamper');
    await expect(text('tamper-result')).resolves.toContain('BAD_SIGNATURE');
    await web.shot('02-bundle-and-tampered');

    await click('step-pqxdh');
    const alice = await page.locator('#alice').innerText();
    for (const step of ['DH1 = DH(IK_A, SPK_B)', 'DH4 = DH(EK_A, OPK_B)', 'PQKEM-ENC', 'PQXDH rev. 3 §3.3'])
      expect(alice).toContain(step);
    expect(await page.locator('#alice svg text', { hasText: 'ML-KEM SS' }).count()).toBe(1);
    await web.shot('03-pqxdh');

    for (let i = 0; i < 3; i++) await click('alice-send');
    await expect(page.getByTestId('network').locator('li').count()).resolves.toBe(3);
    await click('deliver-1');
    await expect(text('status-1')).resolves.toBe('delivered');
    await expect(page.locator('#bob').innerText()).resolves.toContain('PQXDH rev. 3 §3.4');
    await click('drop-2');
    await expect(text('status-2')).resolves.toBe('lost');
    await click('deliver-3');
    const skipped = page.getByTestId('Bob-skipped-item');
    await expect(skipped.count()).resolves.toBe(1);
    await expect(skipped.first().innerText()).resolves.toMatch(/HKr [0-9a-f]{8} · N=1$/);
    expect(await page.locator('#bob circle.skipped').count()).toBe(1);
    await web.shot('04-dropped-key-skipped');

    await click('deliver-2');
    await expect(text('status-2')).resolves.toBe('delivered');
    await expect(skipped.count()).resolves.toBe(0);
    const inbox = await text('Bob-inbox');
    expect(inbox.split('\n')).toEqual(['message 1', 'message 3', 'message 2']);
    await web.shot('05-late-delivery');

    await click('bob-send');
    await click('deliver-4');
    await expect(text('Alice-inbox')).resolves.toBe('message 4');
    expect((await page.getByTestId('Alice-pq').innerText()).startsWith('epoch ')).toBe(true);

    await click('alice-send');
    await click('forge-5');
    await click('deliver-6');
    await expect(text('status-6')).resolves.toMatch(/^refused: [A-Z_]+$/);
    const forgedCode = (await text('status-6')).slice('refused: '.length);
    expect(forgedCode).toBe('DECRYPT_FAILED'); // the session layer's code for a failed AEAD open
    await click('deliver-5');
    await expect(text('status-5')).resolves.toBe('delivered');
    await click('replay-5');
    await expect(text('status-5')).resolves.toBe('refused: DUPLICATE_MESSAGE');
    await web.shot('06-forged-and-replayed');

    const aliceSn = await page.getByTestId('Alice-safety').locator('pre').innerText();
    const bobSn = await page.getByTestId('Bob-safety').locator('pre').innerText();
    expect(aliceSn.replace(/\s+/g, '')).toMatch(/^\d{60}$/);
    expect(aliceSn).toBe(bobSn);
    expect(await page.locator('#safety .qr svg').count()).toBe(2);
    await web.shot('07-safety-numbers');
    expect(await text('error')).toBe('');
  });
});
