// Bahasa Indonesia by default, English on request; the choice is kept on the
// device. Pages carry their Indonesian text in the HTML (readable before any
// script runs) and name each translatable node with data-i18n.
import { id } from "./strings/id.js";
import { en } from "./strings/en.js";

const STRINGS = { id, en };
const KEY = "tanggap.lang";
const listeners = new Set();

export function lang() {
  const saved = localStorage.getItem(KEY);
  return saved === "en" ? "en" : "id";
}

// t("tile.open") or t("toast.new", { kelurahan: "Cibeber" }); a missing key
// shows itself, so a gap is visible rather than silently blank.
export function t(key, vars = {}) {
  const text = STRINGS[lang()][key] ?? STRINGS.id[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

export function applyTranslations(root = document) {
  document.documentElement.lang = lang();
  for (const node of root.querySelectorAll("[data-i18n]")) {
    node.textContent = t(node.dataset.i18n);
  }
  // data-i18n-attr="placeholder:form.desc.placeholder;aria-label:nav.lang"
  for (const node of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of node.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      node.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}

export function setLang(next) {
  localStorage.setItem(KEY, next);
  applyTranslations();
  for (const listener of listeners) listener(next);
}

export function onLangChange(listener) {
  listeners.add(listener);
}

// The toggle shows the language it switches to ("EN" while in Indonesian).
export function bindLangToggle(button) {
  const label = () => {
    const other = lang() === "id" ? "en" : "id";
    button.textContent = other.toUpperCase();
    // The visible text starts the accessible name (WCAG 2.5.3).
    button.setAttribute("aria-label", `${other.toUpperCase()}: ${t("nav.lang")}`);
    button.setAttribute("lang", other);
  };
  label();
  onLangChange(label);
  button.addEventListener("click", () => setLang(lang() === "id" ? "en" : "id"));
}

// The name of a category in the page's language, from the catalogue entries
// ({code, name_id, name_en}) the page loaded.
export function categoryName(catalogue, code) {
  const entry = catalogue?.get(code);
  if (!entry) return code;
  return lang() === "en" ? entry.name_en : entry.name_id;
}
