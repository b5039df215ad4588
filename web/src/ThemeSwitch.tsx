import { setThemeChoice, type ThemeChoice, useThemeChoice } from "./theme";

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: "light", light: "dark", dark: "system" };
const ICON: Record<ThemeChoice, string> = { system: "◐", light: "☀", dark: "☾" };
const LABEL: Record<ThemeChoice, string> = { system: "Auto", light: "Light", dark: "Dark" };

/** Cycles the theme: follow the system, light, dark. */
export function ThemeSwitch() {
  const choice = useThemeChoice();
  return (
    <button
      type="button"
      className="theme-switch"
      onClick={() => setThemeChoice(NEXT[choice])}
      aria-label={`Theme: ${choice}. Switch to ${NEXT[choice]}`}
      title="Theme: auto, light or dark"
    >
      {ICON[choice]} <span className="theme-label">{LABEL[choice]}</span>
    </button>
  );
}
