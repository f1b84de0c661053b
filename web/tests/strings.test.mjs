import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { en } from "../src/js/strings/en.js";
import { id } from "../src/js/strings/id.js";

const SRC = new URL("../src/", import.meta.url);

test("Indonesian and English have the same keys", () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(id).sort());
});

test("every data-i18n key in the pages exists", () => {
  for (const page of readdirSync(SRC).filter((f) => f.endsWith(".html"))) {
    const html = readFileSync(new URL(page, SRC), "utf8");
    const keys = [...html.matchAll(/data-i18n="([^"]+)"/g)].map((m) => m[1]);
    keys.push(...[...html.matchAll(/data-i18n-attr="([^"]+)"/g)].flatMap((m) => m[1].split(";").map((p) => p.split(":")[1].trim())));
    for (const key of keys) assert.ok(key in id, `${page}: ${key}`);
  }
});

test("the Indonesian text in the HTML is the table's text", () => {
  for (const page of readdirSync(SRC).filter((f) => f.endsWith(".html"))) {
    const html = readFileSync(new URL(page, SRC), "utf8");
    for (const [, key, text] of html.matchAll(/data-i18n="([^"]+)"[^>]*>([^<]+)</g)) {
      assert.equal(text.trim(), id[key], `${page}: ${key}`);
    }
  }
});
