import type { BurstPlace } from "../api/types";
import { burstBadge, burstLabel } from "../lib/bursts";

/** A card's place in its burst: "★ Keep · burst of 5" on the keeper, "2/5" on the rest. */
export function BurstBadge({ place }: { place: BurstPlace }) {
  const label = burstLabel(place);
  return (
    <span className={place.keeper ? "burst keeper" : "burst"} title={label} aria-label={label} data-testid="burst-badge" data-keeper={place.keeper}>
      {burstBadge(place)}
    </span>
  );
}
