// Times in WIB whatever the viewer's clock says: Cilegon's officials and
// citizens read deadlines in their own time zone.
import { lang, t } from "./i18n.js";

const ZONE = "Asia/Jakarta";

function locale() {
  return lang() === "en" ? "en-GB" : "id-ID";
}

export function dateTime(iso) {
  if (!iso) return "–";
  const text = new Intl.DateTimeFormat(locale(), {
    timeZone: ZONE,
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
  return `${text} WIB`;
}

export function clock(date = new Date()) {
  return new Intl.DateTimeFormat(locale(), {
    timeZone: ZONE,
    weekday: "long",
    day: "numeric",
    month: "long",
    hour: "2-digit",
    minute: "2-digit",
  }).format(date);
}

export function dayLabel(isoDate) {
  return new Intl.DateTimeFormat(locale(), { timeZone: "UTC", day: "numeric", month: "short" })
    .format(new Date(`${isoDate}T00:00:00Z`));
}

export function number(value) {
  return value === null || value === undefined ? "–" : new Intl.NumberFormat(locale()).format(value);
}

export function percent(value) {
  if (value === null || value === undefined) return "–";
  return `${new Intl.NumberFormat(locale(), { maximumFractionDigits: 0 }).format(value)}%`;
}

// 45 s -> "45 dtk", 4000 s -> "1 j 7 mnt", 3 days -> "3 h 2 j": the two largest units.
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.max(0, Math.round(Math.abs(seconds)));
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days} ${t("unit.d")} ${hours} ${t("unit.h")}`;
  if (hours > 0) return `${hours} ${t("unit.h")} ${minutes} ${t("unit.m")}`;
  if (minutes > 0) return `${minutes} ${t("unit.m")}`;
  return `${s} ${t("unit.s")}`;
}

// "dalam 2 j 5 mnt" / "terlambat 3 j" relative to now.
export function deadline(iso, now = Date.now()) {
  if (!iso) return "–";
  const seconds = (new Date(iso).getTime() - now) / 1000;
  return seconds >= 0
    ? t("deadline.in", { d: duration(seconds) })
    : t("deadline.late", { d: duration(-seconds) });
}

export function ago(iso, now = Date.now()) {
  if (!iso) return "–";
  return t("time.ago", { d: duration((now - new Date(iso).getTime()) / 1000) });
}
