// Drives the `longforge review` page in Debian's chromium through the DevTools protocol
// (puppeteer-core), as a person would with the keyboard: filter to review, accept one
// sample (a), edit and accept the next (e, Ctrl+Enter), reject the third with a reason
// (r, Enter), go back (k) and screenshot the edited sample. Prints the ids it decided
// as JSON: {"accepted": id, "edited": id, "rejected": id, "rows": n}.
//
//   node review.mjs --url URL --chromium /usr/bin/chromium --screenshot PNG --profile DIR
import puppeteer from "puppeteer-core";

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
for (const need of ["url", "chromium", "screenshot", "profile"]) {
  if (!args[need]) {
    console.error(`review.mjs: --${need} is required`);
    process.exit(2);
  }
}

const browser = await puppeteer.launch({
  executablePath: args.chromium,
  headless: true,
  userDataDir: args.profile,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1400,1000"],
  defaultViewport: { width: 1400, height: 1000 },
});
const failures = [];
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => failures.push("page error: " + e.message));
  page.on("requestfailed", (r) => failures.push("request failed: " + r.url()));
  await page.goto(args.url);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });

  // Who decides: typed on the page (the server has no --reviewer); Esc leaves the field.
  await page.click("#reviewer", { count: 3 });
  await page.keyboard.type("browser-test");
  await page.keyboard.press("Escape");

  await page.select("#filter-decision", "review");
  // The list holds review samples only, and the first is shown.
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll(".row")];
    return rows.length > 0 && rows.every((r) => r.querySelector(".badge").textContent === "review") &&
      document.querySelector("#sample").dataset.id === rows[0].dataset.id;
  }, { timeout: 20000 });
  const ids = await page.$$eval(".row", (rows) => rows.map((r) => r.dataset.id));
  if (ids.length < 3) throw new Error(`want at least 3 review samples, the page lists ${ids.length}`);
  const showing = (id) => page.waitForFunction((want) => document.querySelector("#sample").dataset.id === want,
                                               { timeout: 20000 }, id);
  const status = (text) => page.waitForFunction((want) => document.querySelector("#status").textContent.startsWith(want),
                                                { timeout: 20000 }, text);

  // a: accept the first; the page moves on to the second.
  await page.keyboard.press("a");
  await status("recorded: accept by browser-test");
  await showing(ids[1]);

  // e: edit the second's answer, Ctrl+Enter saves and accepts.
  await page.keyboard.press("e");
  await page.waitForSelector("#edit-answer", { visible: true });
  await page.$eval("#edit-answer", (area) => { area.value = ""; });
  await page.keyboard.type("Edited in the browser.");
  await page.keyboard.down("Control");
  await page.keyboard.press("Enter");
  await page.keyboard.up("Control");
  await status("recorded: edit by browser-test");
  await showing(ids[2]);

  // r: reject the third with a reason, Enter.
  await page.keyboard.press("r");
  await page.waitForSelector("#reject-reason", { visible: true });
  await page.keyboard.type("not supported by the evidence");
  await page.keyboard.press("Enter");
  await status("recorded: reject by browser-test");
  // The page moves on to the fourth sample, or stays on the third when it is the last.
  await showing(ids.length > 3 ? ids[3] : ids[2]);

  // k k: back to the edited sample, which shows its edit and who made it.
  await page.keyboard.press("k");
  if (ids.length > 3) {
    await showing(ids[2]);
    await page.keyboard.press("k");
  }
  await showing(ids[1]);
  await page.waitForSelector("#edited");
  const edited = await page.$eval("#edited", (e) => e.textContent);
  if (edited !== "Edited in the browser.") throw new Error(`the edited answer shows as "${edited}"`);
  const badges = await page.$$eval(".row .badge.edit, .row .badge.accept, .row .badge.reject",
                                   (bs) => bs.map((b) => b.textContent).filter((t) => t.startsWith("human")));
  if (badges.length !== 3) throw new Error(`want 3 human badges in the list, got ${JSON.stringify(badges)}`);
  await page.screenshot({ path: args.screenshot, fullPage: false });
  if (failures.length) throw new Error(failures.join("; "));
  console.log(JSON.stringify({ accepted: ids[0], edited: ids[1], rejected: ids[2], rows: ids.length }));
} finally {
  await browser.close();
}
