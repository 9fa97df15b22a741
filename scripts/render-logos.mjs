// Renders kernel/logos/logo-svg.svg to the PNG sizes Jupyter's launchers use (32 and 64 px) with
// Debian's Chromium. Run after editing the SVG: node scripts/render-logos.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { chromium } from "playwright-core";

const folder = new URL("../kernel/logos/", import.meta.url);
const svg = readFileSync(new URL("logo-svg.svg", folder), "utf8");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
try {
  for (const size of [32, 64]) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace(/width="64" height="64"/, `width="${size}" height="${size}"`)}</body></html>`);
    writeFileSync(new URL(`logo-${size}x${size}.png`, folder), await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
    await page.close();
  }
} finally {
  await browser.close();
}
