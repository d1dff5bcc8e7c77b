// Opens the portal's GraphiQL page in headless Chromium with every request off this machine
// refused, runs `{ networks { totalCount } }` with the token in the header editor, opens the
// docs explorer and takes a screenshot.
// Usage: node graphiql.mjs <chromium> <origin> <token> <screenshot.png>; prints JSON.
import puppeteer from "puppeteer-core";

const [executablePath, origin, token, screenshot] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const offMachine = [];
const failures = [];
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.origin === origin || url.protocol === "data:") {
      request.continue();
    } else {
      offMachine.push(request.url());
      request.abort();
    }
  });
  page.on("pageerror", (error) => failures.push(`page error: ${error.message}`));
  // GraphiQL's first introspection goes out before a token is in the header editor (401).
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      failures.push(`console: ${message.text()}`);
    }
  });
  await page.goto(`${origin}/graphql`, { waitUntil: "networkidle0" });
  await page.waitForSelector(".graphiql-query-editor .CodeMirror", { timeout: 15000 });
  // The tools hold the variables editor and the headers editor, in that order.
  const prefilled = await page.evaluate(
    () => document.querySelectorAll(".graphiql-editor-tool .CodeMirror")[1]?.CodeMirror.getValue() ?? null,
  );
  await page.evaluate((token) => {
    document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.setValue("{ networks { totalCount } }");
    document.querySelectorAll(".graphiql-editor-tool .CodeMirror")[1].CodeMirror.setValue(
      JSON.stringify({ Authorization: `Bearer ${token}` }),
    );
  }, token);
  await page.click(".graphiql-execute-button");
  await page.waitForFunction(
    () => document.querySelector(".result-window .CodeMirror")?.CodeMirror.getValue().includes("totalCount"),
    { timeout: 15000 },
  );
  const result = JSON.parse(
    await page.evaluate(() => document.querySelector(".result-window .CodeMirror").CodeMirror.getValue()),
  );
  await page.click('[aria-label="Re-fetch GraphQL schema"]');
  await page.click('[aria-label="Show Documentation Explorer"]');
  await page.waitForFunction(
    () => document.querySelector(".graphiql-doc-explorer")?.innerText.includes("QueryRoot"),
    { timeout: 15000 },
  );
  const docs = await page.evaluate(() => document.querySelector(".graphiql-doc-explorer").innerText);
  await page.screenshot({ path: screenshot });
  console.log(JSON.stringify({ prefilled, result, docs: docs.slice(0, 400), offMachine, failures }));
} finally {
  await browser.close();
}
