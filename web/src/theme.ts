import { useSyncExternalStore } from "react";

export type ThemeChoice = "system" | "light" | "dark";
export type Theme = "light" | "dark";

const KEY = "wattboard.theme";
const systemDark = matchMedia("(prefers-color-scheme: dark)");
const listeners = new Set<() => void>();

export function themeChoice(): ThemeChoice {
  const stored = localStorage.getItem(KEY);
  return stored === "light" || stored === "dark" ? stored : "system";
}

function effectiveTheme(): Theme {
  const choice = themeChoice();
  return choice === "system" ? (systemDark.matches ? "dark" : "light") : choice;
}

/** index.html sets the same attribute before the first paint, so the page never flashes. */
function apply() {
  document.documentElement.dataset.theme = effectiveTheme();
  for (const listener of listeners) listener();
}

export function setThemeChoice(choice: ThemeChoice) {
  if (choice === "system") localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
  apply();
}

systemDark.addEventListener("change", apply);

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/** The theme in effect (light or dark), re-rendering when it changes. */
export function useTheme(): Theme {
  return useSyncExternalStore(subscribe, effectiveTheme);
}

export function useThemeChoice(): ThemeChoice {
  return useSyncExternalStore(subscribe, themeChoice);
}
