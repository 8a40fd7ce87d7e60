import { useCallback, useEffect, useRef, useState } from "react";
import type { Api } from "./api/api";
import { ApiContext, ReportErrorContext } from "./api/context";
import { asApiError, errorMessage } from "./api/errors";
import type { AccountStatus, Job, PhotoQuery, Settings } from "./api/types";
import { BuyCreditsBanner } from "./components/BuyCreditsBanner";
import { StatusBar } from "./components/StatusBar";
import { paymentRequiredJob } from "./lib/billing";
import { isActive, mergeJob } from "./lib/jobs";
import { applyTheme, loadTheme, nextTheme, type ThemeChoice } from "./lib/theme";
import { parseState, serializeState, type UiState, type View } from "./lib/urlState";
import { AccountView } from "./views/AccountView";
import { ConfigView } from "./views/ConfigView";
import { DashboardView } from "./views/DashboardView";
import { InsightsView } from "./views/InsightsView";
import { LibraryView } from "./views/LibraryView";

const NAV: { view: View; label: string; key: string }[] = [
  { view: "library", label: "Library", key: "1" },
  { view: "dashboard", label: "Dashboard", key: "2" },
  { view: "config", label: "Scoring", key: "3" },
  { view: "insights", label: "Insights", key: "4" },
  { view: "account", label: "Account & credits", key: "5" },
];

function typing(el: EventTarget | null): boolean {
  const t = el as HTMLElement | null;
  return !!t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA" || t.isContentEditable);
}

export function App({ api }: { api: Api }) {
  const [ui, setUi] = useState<UiState>(() => parseState(window.location.search));
  const [jobs, setJobs] = useState<Job[]>([]);
  const [dataVersion, setDataVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [engine, setEngine] = useState<"connecting" | "online" | "offline">("connecting");
  const [network, setNetwork] = useState(() => navigator.onLine);
  const [account, setAccount] = useState<AccountStatus | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [theme, setTheme] = useState<ThemeChoice>(() => loadTheme());
  const [dismissedPay, setDismissedPay] = useState<string[]>([]);

  useEffect(() => applyTheme(theme), [theme]);

  // URL <-> state. View changes push a history entry; filters and the open photo replace.
  const lastView = useRef(ui.view);
  useEffect(() => {
    const url = serializeState(ui) || window.location.pathname;
    if (url === window.location.search) return;
    if (ui.view !== lastView.current) window.history.pushState(null, "", url);
    else window.history.replaceState(null, "", url);
    lastView.current = ui.view;
  }, [ui]);
  useEffect(() => {
    const onPop = () => {
      const s = parseState(window.location.search);
      lastView.current = s.view;
      setUi(s);
    };
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);

  const reportError = useCallback((e: unknown) => {
    const err = asApiError(e);
    if (err.code === "aborted") return;
    if (err.isNetwork) setEngine("offline");
    setError(errorMessage(err));
  }, []);

  // Engine health: poll (faster while it is unreachable); the network flag from the browser.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    let live = true;
    const check = async () => {
      const ctrl = new AbortController();
      const t = setTimeout(() => ctrl.abort(), 4000);
      let ok = false;
      try {
        await api.health(ctrl.signal);
        ok = true;
      } catch {
        ok = false;
      } finally {
        clearTimeout(t);
      }
      if (!live) return;
      setEngine((prev) => {
        if (ok && prev === "offline") setDataVersion((v) => v + 1); // back: refresh
        return ok ? "online" : "offline";
      });
      timer = setTimeout(check, ok ? 10_000 : 2_000);
    };
    void check();
    const on = () => {
      setNetwork(true);
      clearTimeout(timer);
      void check();
    };
    const off = () => setNetwork(false);
    window.addEventListener("online", on);
    window.addEventListener("offline", off);
    return () => {
      live = false;
      clearTimeout(timer);
      window.removeEventListener("online", on);
      window.removeEventListener("offline", off);
    };
  }, [api]);

  // Jobs: current state on load (so progress survives reload), then live events.
  const onJob = useCallback((job: Job) => {
    setJobs((prev) => {
      const before = prev.find((j) => j.id === job.id);
      const next = mergeJob(prev, job);
      const after = next.find((j) => j.id === job.id);
      if (before && isActive(before) && after && !isActive(after)) setDataVersion((v) => v + 1);
      return next;
    });
  }, []);
  useEffect(() => {
    api.jobs().then((list) => [...list].reverse().forEach(onJob), reportError);
    return api.subscribe(
      (e) => {
        if (e.type === "job") onJob(e.job);
        else if (e.type === "library" || e.type === "config") setDataVersion((v) => v + 1); // folders, photos or the active config changed
      },
      () => {},
    );
  }, [api, onJob, reportError]);
  // While a job runs, refresh the grid and dashboard every few seconds as scores land.
  const anyActive = jobs.some(isActive);
  useEffect(() => {
    if (!anyActive) return;
    const t = setInterval(() => setDataVersion((v) => v + 1), 4000);
    return () => clearInterval(t);
  }, [anyActive]);

  useEffect(() => {
    api.account().then(setAccount, () => setAccount({ available: false, reason: null, signed_in: false }));
    api.settings().then(setSettings, () => {});
  }, [api]);

  // Global keys: 1–5 switch screens, "/" focuses the search box.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || typing(e.target) || document.querySelector('[role="dialog"]')) return;
      const nav = NAV.find((n) => n.key === e.key);
      if (nav) {
        setUi((s) => ({ ...s, view: nav.view }));
        e.preventDefault();
      } else if (e.key === "/") {
        const el = document.getElementById("photo-search");
        if (el) {
          e.preventDefault();
          el.focus();
        }
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const setQuery = useCallback((query: PhotoQuery) => setUi((s) => ({ ...s, query, photo: null, index: null })), []);
  const setPhoto = useCallback((photo: string | null, index: number | null) => setUi((s) => (s.photo === photo && s.index === index ? s : { ...s, photo, index })), []);
  const cancel = useCallback((id: string) => void api.cancelJob(id).catch(reportError), [api, reportError]);

  const showOffline = engine === "offline" || !network;
  const outOfCredits = paymentRequiredJob(jobs, dismissedPay);
  const openAccount = useCallback(() => setUi((s) => ({ ...s, view: "account" })), []);

  return (
    <ApiContext.Provider value={api}>
      <ReportErrorContext.Provider value={reportError}>
        <div className="app">
          <header className="topbar">
            <span className="brand">photo-score</span>
            <nav className="nav" aria-label="Screens">
              {NAV.map((n) => (
                <button
                  key={n.view}
                  data-testid={`nav-${n.view}`}
                  aria-current={ui.view === n.view ? "page" : undefined}
                  onClick={() => setUi((s) => ({ ...s, view: n.view }))}
                  title={`${n.label} (${n.key})`}
                >
                  {n.label}
                </button>
              ))}
            </nav>
            <span className="spacer" />
            <button onClick={() => setTheme(nextTheme(theme))} aria-label={`Theme: ${theme}. Switch theme`} title="Switch light/dark">
              {theme === "system" ? "◐ System" : theme === "light" ? "☀ Light" : "☾ Dark"}
            </button>
          </header>
          <div className="banners">
            {showOffline ? (
              <div className="banner offline" role="status" data-testid="offline-banner">
                {engine === "offline" ? (
                  <span>
                    <strong>Can't reach the photo-score engine.</strong> Retrying every few seconds — your photos and scores are safe on disk.
                  </span>
                ) : (
                  <span>
                    <strong>You're offline.</strong> Your library and local scoring keep working; cloud models and sync wait until you're back.
                  </span>
                )}
              </div>
            ) : null}
            {error ? (
              <div className="banner error" role="alert" data-testid="error-banner">
                <span>{error}</span>
                <span className="spacer" />
                <button onClick={() => setError(null)} aria-label="Dismiss error">
                  Dismiss
                </button>
              </div>
            ) : null}
            {outOfCredits ? (
              <BuyCreditsBanner
                job={outOfCredits}
                onDismiss={() => setDismissedPay((d) => [...d, outOfCredits.id])}
                onOpenAccount={openAccount}
              />
            ) : null}
          </div>
          <main>
            {ui.view === "library" ? (
              <LibraryView query={ui.query} onQuery={setQuery} photo={ui.photo} index={ui.index} onPhoto={setPhoto} jobs={jobs} onJob={onJob} dataVersion={dataVersion} />
            ) : (
              <div className="view">
                {ui.view === "dashboard" ? <DashboardView dataVersion={dataVersion} jobs={jobs} onCancel={cancel} /> : null}
                {ui.view === "config" ? <ConfigView onSaved={() => setDataVersion((v) => v + 1)} /> : null}
                {ui.view === "insights" ? <InsightsView dataVersion={dataVersion} onOpenLibrary={() => setUi((s) => ({ ...s, view: "library" }))} /> : null}
                {ui.view === "account" ? <AccountView account={account} onAccount={setAccount} dataVersion={dataVersion} /> : null}
              </div>
            )}
          </main>
          <StatusBar engine={engine} network={network} account={account} settings={settings} jobs={jobs} />
        </div>
      </ReportErrorContext.Provider>
    </ApiContext.Provider>
  );
}
