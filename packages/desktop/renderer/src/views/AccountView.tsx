import { useCallback, useEffect, useState } from "react";
import { useApi } from "../api/context";
import { errorMessage } from "../api/errors";
import type { AccountCredits, AccountStatus, LedgerEntry, LedgerPage } from "../api/types";
import { CreditPacks } from "../components/CreditPacks";
import { formatNumber } from "../lib/format";

export const LEDGER_PAGE = 10;

const ENTRY_LABEL: Record<string, string> = {
  trial: "Welcome credits",
  purchase: "Credit pack",
  inference: "Photo analysed",
  refund: "Refund (analysis failed)",
  adjustment: "Adjustment",
};

interface Props {
  account: AccountStatus | null;
  onAccount: (a: AccountStatus) => void;
  dataVersion: number;
}

/** Account & credits: sign in, balance, credit packs, the ledger, sign out. */
export function AccountView({ account, onAccount, dataVersion }: Props) {
  if (account === null) return <div className="spinner" aria-label="Loading the account" />;
  return (
    <div className="account" data-testid="account-view">
      {!account.available ? (
        <section className="panel">
          <h2>Cloud features are not configured</h2>
          <p>Everything works offline: scoring with the local analyzer, your own OpenRouter key, insights.</p>
          <p className="muted">
            To sync across devices and buy credits for the cloud's vision models, start photo-score with <code>PHOTO_SCORE_CLOUD_URL</code> set to
            your photo-score cloud.
          </p>
        </section>
      ) : account.signed_in ? (
        <SignedIn account={account} onAccount={onAccount} dataVersion={dataVersion} />
      ) : (
        <SignInForm serverUrl={account.server_url ?? null} onAccount={onAccount} />
      )}
    </div>
  );
}

function SignInForm({ serverUrl, onAccount }: { serverUrl: string | null; onAccount: (a: AccountStatus) => void }) {
  const api = useApi();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!email.trim() || !password) {
      setError("Enter your e-mail and password.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const status = await api.login(email.trim(), password);
      setPassword("");
      onAccount(status);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel signin">
      <h2>Sign in to the photo-score cloud</h2>
      <p className="muted">
        Sync scores across your devices and analyse photos with the cloud's vision models (one credit a photo).
        {serverUrl ? <> Server: {serverUrl}</> : null}
      </p>
      <form onSubmit={submit} aria-label="Sign in">
        <label htmlFor="login-email">E-mail</label>
        <input
          id="login-email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          data-testid="login-email"
          required
        />
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          data-testid="login-password"
          aria-describedby={error ? "login-error" : undefined}
          aria-invalid={error ? true : undefined}
          required
        />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy} data-testid="login-submit">
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </div>
        {error ? (
          <p id="login-error" className="field-error" role="alert" data-testid="login-error">
            {error}
          </p>
        ) : null}
      </form>
    </section>
  );
}

function SignedIn({ account, onAccount, dataVersion }: { account: AccountStatus; onAccount: (a: AccountStatus) => void; dataVersion: number }) {
  const api = useApi();
  const [credits, setCredits] = useState<AccountCredits | null>(null);
  const [ledger, setLedger] = useState<LedgerPage | null>(null);
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [refreshes, setRefreshes] = useState(0);
  const [signingOut, setSigningOut] = useState(false);

  const refresh = useCallback(() => setRefreshes((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    api.credits().then(
      (c) => {
        if (!live) return;
        setCredits(c);
        setError(null);
      },
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [api, dataVersion, refreshes]);

  useEffect(() => {
    let live = true;
    api.transactions(offset, LEDGER_PAGE).then(
      (page) => live && setLedger(page),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [api, offset, dataVersion, refreshes]);

  // Back from the browser after paying: show the new balance.
  useEffect(() => {
    window.addEventListener("focus", refresh);
    return () => window.removeEventListener("focus", refresh);
  }, [refresh]);

  const signOut = async () => {
    setSigningOut(true);
    try {
      await api.logout();
      onAccount(await api.account());
    } catch (e) {
      setError(errorMessage(e));
      setSigningOut(false);
    }
  };

  return (
    <>
      <section className="panel account-head">
        <div>
          <div className="muted">Signed in as</div>
          <div className="account-email" data-testid="account-email">
            {account.email ?? "—"}
          </div>
          {account.server_url ? <div className="muted">{account.server_url}</div> : null}
          {account.sync ? (
            <div className="muted" data-testid="account-sync">
              Sync: {account.sync.state}
              {account.sync.pending ? ` · ${formatNumber(account.sync.pending)} waiting to upload` : ""}
            </div>
          ) : null}
        </div>
        <div className="balance">
          <div className="muted">Balance</div>
          <div className="v" data-testid="account-balance">
            {credits ? formatNumber(credits.balance) : "…"}
          </div>
          <div className="muted">credits · one analysis costs one</div>
        </div>
        <div className="actions">
          <button onClick={refresh} data-testid="account-refresh">
            Refresh
          </button>
          <button onClick={() => void signOut()} disabled={signingOut} data-testid="logout-button">
            {signingOut ? "Signing out…" : "Sign out"}
          </button>
        </div>
      </section>
      {error ? (
        <p className="field-error" role="alert" data-testid="account-error">
          {error}
        </p>
      ) : null}
      <section className="panel">
        <h2>Buy credits</h2>
        {credits ? <CreditPacks plans={credits.plans} /> : <div className="spinner" aria-label="Loading credit packs" />}
      </section>
      <section className="panel">
        <h2>History</h2>
        <Ledger page={ledger} offset={offset} onOffset={setOffset} />
      </section>
    </>
  );
}

function Ledger({ page, offset, onOffset }: { page: LedgerPage | null; offset: number; onOffset: (o: number) => void }) {
  if (page === null) return <div className="spinner" aria-label="Loading the history" />;
  if (page.total === 0) return <p className="muted">No credit movements yet.</p>;
  const first = page.items.length ? offset + 1 : 0;
  const last = offset + page.items.length;
  return (
    <>
      <table className="ledger" data-testid="transactions-table">
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">What</th>
            <th scope="col" className="num">
              Credits
            </th>
            <th scope="col" className="num">
              Balance
            </th>
          </tr>
        </thead>
        <tbody>
          {page.items.map((t) => (
            <LedgerRow key={t.id} entry={t} />
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button onClick={() => onOffset(Math.max(0, offset - LEDGER_PAGE))} disabled={offset === 0} data-testid="transactions-newer">
          ← Newer
        </button>
        <span className="muted" data-testid="transactions-range">
          {formatNumber(first)}–{formatNumber(last)} of {formatNumber(page.total)}
        </span>
        <button onClick={() => onOffset(offset + LEDGER_PAGE)} disabled={last >= page.total} data-testid="transactions-older">
          Older →
        </button>
      </div>
    </>
  );
}

function LedgerRow({ entry }: { entry: LedgerEntry }) {
  const when = new Date(entry.created_at);
  return (
    <tr data-testid="transaction-row" data-type={entry.type}>
      <td>{Number.isNaN(when.getTime()) ? entry.created_at : when.toLocaleString()}</td>
      <td>{ENTRY_LABEL[entry.type] ?? entry.type}</td>
      <td className={`num ${entry.amount >= 0 ? "lifted" : "sank"}`}>
        {entry.amount > 0 ? "+" : ""}
        {formatNumber(entry.amount)}
      </td>
      <td className="num">{formatNumber(entry.balance_after)}</td>
    </tr>
  );
}
