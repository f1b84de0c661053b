// Small DOM helpers: build elements without innerHTML (text from citizens
// and operators never becomes markup), and short status messages.

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "ariaLabel") node.setAttribute("aria-label", value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

const TOAST_MS = 3500;

export function toast(text, tone = "info") {
  const box = document.getElementById("toasts");
  const item = el("div", { className: `toast toast-${tone}`, role: tone === "warn" ? "alert" : "status" }, text);
  box.append(item);
  setTimeout(() => item.remove(), tone === "warn" ? TOAST_MS * 2 : TOAST_MS);
  while (box.children.length > 4) box.firstElementChild.remove();
}
