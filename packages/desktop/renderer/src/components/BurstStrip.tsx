import { useApi } from "../api/context";
import type { PhotoSummary } from "../api/types";
import { burstLabel, burstSentence } from "../lib/bursts";
import { Thumb } from "./PhotoGrid";

interface Props {
  /** The burst's frames in shot order (the detail's `burst`). */
  frames: readonly PhotoSummary[];
  /** The photo the viewer shows. */
  current: string;
  onOpen: (imageId: string) => void;
}

/** The viewer's burst section: every frame in shot order, its rank, the keeper marked. */
export function BurstStrip({ frames, current, onOpen }: Props) {
  const api = useApi();
  return (
    <section className="burst-strip" data-testid="viewer-burst" aria-label="Burst">
      <h3>Burst</h3>
      <p data-testid="burst-sentence">{burstSentence(frames, current)}</p>
      <ol className="frames">
        {frames.map((f) => {
          const here = f.image_id === current;
          const place = f.burst;
          return (
            <li key={f.image_id}>
              <button
                className="frame"
                aria-current={here ? "true" : undefined}
                aria-label={`${f.name}${place ? ", " + burstLabel(place) : ""}${here ? " (shown)" : ""}`}
                title={f.name}
                onClick={() => onOpen(f.image_id)}
                data-testid="burst-frame"
                data-image-id={f.image_id}
                data-rank={place?.rank ?? ""}
                data-keeper={place?.keeper ?? false}
              >
                <Thumb src={api.thumbnailUrl(f.image_id)} scored={f.final_score !== null} />
                <span className="frame-caption">
                  {place ? `#${place.rank}` : "—"}
                  {place?.keeper ? <span className="keep"> ★ keep</span> : null}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
