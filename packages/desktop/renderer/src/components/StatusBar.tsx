import type { AccountStatus, Job, Settings } from "../api/types";
import { formatEta, formatNumber } from "../lib/format";
import { isActive } from "../lib/jobs";

interface Props {
  engine: "connecting" | "online" | "offline";
  network: boolean;
  account: AccountStatus | null;
  settings: Settings | null;
  jobs: Job[];
}

export function StatusBar({ engine, network, account, settings, jobs }: Props) {
  const active = jobs.filter(isActive);
  const done = active.reduce((s, j) => s + j.done, 0);
  const total = active.reduce((s, j) => s + (j.total ?? 0), 0);
  return (
    <footer className="statusbar" role="status" aria-label="Status">
      <span data-testid="engine-status">
        <span className={`dot ${engine === "online" ? "ok" : engine === "offline" ? "bad" : "idle"}`} />
        {engine === "online" ? "Engine running" : engine === "offline" ? "Engine unreachable" : "Connecting…"}
      </span>
      <span>{network ? "Online" : "Offline — everything works locally"}</span>
      {active.length ? (
        <span>
          Scoring {formatNumber(done)}/{formatNumber(total)} · ETA {formatEta(Math.max(...active.map((j) => j.eta_s ?? 0)))}
        </span>
      ) : null}
      <span className="spacer" />
      {settings ? <span>OpenRouter key: {settings.openrouter_key_set ? "set" : "not set"}</span> : null}
      <span data-testid="account-status" title={account?.reason ?? undefined}>
        {account === null
          ? ""
          : !account.available
            ? "Cloud features not configured — everything works offline"
            : account.signed_in
              ? `Cloud: ${account.email ?? "signed in"}`
              : "Cloud: signed out"}
      </span>
    </footer>
  );
}
