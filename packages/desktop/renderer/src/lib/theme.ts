/** Light/dark: follows the system by default; the toggle cycles system → light → dark. */
export type ThemeChoice = "system" | "light" | "dark";
const KEY = "ps.theme";

export function loadTheme(): ThemeChoice {
  const v = localStorage.getItem(KEY);
  return v === "light" || v === "dark" ? v : "system";
}

export function applyTheme(t: ThemeChoice): void {
  if (t === "system") document.documentElement.removeAttribute("data-theme");
  else document.documentElement.setAttribute("data-theme", t);
  if (t === "system") localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, t);
}

export function nextTheme(t: ThemeChoice): ThemeChoice {
  return t === "system" ? "light" : t === "light" ? "dark" : "system";
}
