import { useState } from "react";
import { useApi } from "../api/context";
import { errorMessage } from "../api/errors";
import type { ScoringWeights, TasteReport } from "../api/types";
import { ATTRIBUTES, ATTRIBUTE_LABEL } from "../api/types";
import { asWeights } from "../lib/configDraft";
import { tasteChange, tasteSentence, tasteVerdict } from "../lib/taste";

/**
 * "Learn from my ratings": fit the weights to the stars the photographer gave in
 * Lightroom & co. (XMP), show what changed and how far to trust it, and put the fitted
 * weights on the sliders on request. Nothing is saved here.
 */
export function TastePanel({ onApply }: { onApply: (fitted: ScoringWeights) => void }) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<TasteReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  const learn = async () => {
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      setReport(await api.learnTaste());
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const fitted = report ? asWeights(report.config) : null;

  return (
    <section className="taste" aria-label="Learn from my ratings" data-testid="taste-panel">
      <h2>Learn from my ratings</h2>
      <p className="muted">
        Rate photos in Lightroom, Capture One, darktable or digiKam (saved to XMP sidecars or into the files), 20 at least. photo-score fits the weights so
        the ranking follows your stars.
      </p>
      <button onClick={() => void learn()} disabled={busy} data-testid="taste-learn">
        {busy ? "Learning…" : "Learn from my ratings"}
      </button>
      {error ? (
        <p className="field-error" role="alert" data-testid="taste-error">
          {error}
        </p>
      ) : null}
      {report ? (
        <div role="status" data-testid="taste-report">
          <p data-testid="taste-sentence">{tasteSentence(report)}</p>
          <table className="ranks">
            <thead>
              <tr>
                <th scope="col">Share of the score</th>
                <th scope="col">Now</th>
                <th scope="col">Fitted</th>
              </tr>
            </thead>
            <tbody>
              {ATTRIBUTES.map((a) => {
                const s = report.share[a];
                return s ? (
                  <tr key={a} data-testid={`taste-share-${a}`}>
                    <td>{ATTRIBUTE_LABEL[a]}</td>
                    <td>{Math.round(100 * s.before)}%</td>
                    <td>{Math.round(100 * s.after)}%</td>
                  </tr>
                ) : null;
              })}
            </tbody>
          </table>
          <p className="muted">{tasteChange(report)}</p>
          <p data-testid="taste-verdict">{tasteVerdict(report)}</p>
          <button className={report.improves ? "primary" : undefined} onClick={() => fitted && onApply(fitted)} disabled={!fitted} data-testid="taste-apply">
            Put these weights on the sliders
          </button>
        </div>
      ) : null}
    </section>
  );
}
