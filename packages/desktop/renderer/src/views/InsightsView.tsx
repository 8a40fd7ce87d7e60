/**
 * Recommendations and the personality report. The sidecar's API (openapi.json) has no
 * endpoint for them yet — they are a later issue — so this says so plainly instead of
 * showing made-up numbers. Per-photo explanations already live in the viewer.
 */
export function InsightsView({ onOpenLibrary }: { onOpenLibrary: () => void }) {
  return (
    <div className="empty" data-testid="insights-unavailable">
      <h2>Insights are not available yet</h2>
      <p>
        Your photographic personality report — composition style, exposure habits, strengths and what to work on next — arrives in a later
        version of photo-score. Nothing here is estimated or invented in the meantime.
      </p>
      <p>
        Why each photo scored as it did is already in the viewer: open any photo in the{" "}
        <button className="link" onClick={onOpenLibrary}>
          Library
        </button>
        .
      </p>
    </div>
  );
}
