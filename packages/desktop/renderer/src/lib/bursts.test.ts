import { describe, expect, it } from "vitest";
import type { BurstPlace, PhotoSummary } from "../api/types";
import { burstBadge, burstKeeper, burstLabel, burstSentence, ordinal } from "./bursts";

const place = (rank: number, size = 5, notes: string[] = []): BurstPlace => ({
  id: "f1", size, rank, keeper: rank === 1, score: 90 - rank, notes,
});

function frame(id: string, name: string, rank: number | null, notes: string[] = []): PhotoSummary {
  return {
    image_id: id, path: `/photos/${name}`, name, folder_id: 1, rank: null, final_score: 50, tier: "Competent",
    aesthetic_score: null, technical_score: null, attributes: {}, analyzer: "local", capture_time: null, camera: null,
    width: null, height: null, burst: rank === null ? null : place(rank, 3, notes),
  };
}

describe("bursts", () => {
  it("writes ordinals", () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual(["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]);
  });

  it("badges the keeper and ranks the rest", () => {
    expect(burstBadge(place(1))).toBe("★ Keep · burst of 5");
    expect(burstBadge(place(2))).toBe("2/5");
    expect(burstBadge(place(5))).toBe("5/5");
  });

  it("says the badge in words", () => {
    expect(burstLabel(place(1))).toBe("Best frame of a 5-frame burst");
    expect(burstLabel(place(2))).toBe("2nd best frame of a 5-frame burst");
    expect(burstLabel(place(3, 3))).toBe("3rd best frame of a 3-frame burst");
  });

  it("names the keeper and places a frame in shot order", () => {
    const frames = [frame("a", "IMG_0001.jpg", 3), frame("b", "IMG_0002.jpg", 1), frame("c", "IMG_0003.jpg", 2)];
    expect(burstKeeper(frames)?.name).toBe("IMG_0002.jpg");
    expect(burstSentence(frames, "c")).toBe("Frame 3 of 3 in shot order, ranked 2nd — the keeper is IMG_0002.jpg.");
    expect(burstSentence(frames, "a")).toBe("Frame 1 of 3 in shot order, ranked 3rd — the keeper is IMG_0002.jpg.");
    expect(burstSentence(frames, "b")).toBe("Frame 2 of 3 in shot order — this is the keeper.");
    expect(burstSentence(frames, "z")).toBe("A burst of 3 — the keeper is IMG_0002.jpg.");
    expect(burstSentence([frame("a", "A.jpg", null), frame("b", "B.jpg", null)], "a")).toBe("Frame 1 of 2 in shot order.");
  });

  it("says what sets a frame apart from the rest of its burst", () => {
    const frames = [
      frame("a", "IMG_0001.jpg", 1),
      frame("b", "IMG_0002.jpg", 2, ["0.7 stop brighter than the rest of the burst", "turned 3.0° against the other frames"]),
      frame("c", "IMG_0003.jpg", 3, ["turned 1.5° against the other frames"]),
    ];
    expect(burstSentence(frames, "b")).toBe(
      "Frame 2 of 3 in shot order, ranked 2nd — the keeper is IMG_0001.jpg. This frame is 0.7 stop brighter than the rest of the burst and turned 3.0° against the other frames.",
    );
    expect(burstSentence(frames, "c")).toBe(
      "Frame 3 of 3 in shot order, ranked 3rd — the keeper is IMG_0001.jpg. This frame is turned 1.5° against the other frames.",
    );
    expect(burstSentence(frames, "a")).toBe("Frame 1 of 3 in shot order — this is the keeper.");
  });
});
