import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { useApi } from "../api/context";
import type { PhotoSummary } from "../api/types";
import { layout, moveIndex, scrollToReveal, visibleRange } from "../lib/gridMath";
import type { PhotoList } from "../lib/photoList";
import { burstLabel } from "../lib/bursts";
import { formatScore } from "../lib/format";
import { BurstBadge } from "./BurstBadge";
import { TierBadge } from "./TierBadge";

const MIN_CELL = 180;
const GAP = 10;
const CAPTION = 34;

export function useListVersion(list: PhotoList): number {
  return useSyncExternalStore(list.subscribe, list.getVersion);
}

interface Props {
  list: PhotoList;
  selected: number;
  onSelect: (index: number) => void;
  onOpen: (index: number, photo: PhotoSummary) => void;
}

/**
 * The virtualised photo grid: only the rows in view (plus two rows of overscan) are
 * mounted, thumbnails load lazily, and ←/→/↑/↓/PgUp/PgDn/Home/End move the selection,
 * Enter or Space (or a click) opens the viewer.
 */
export function PhotoGrid({ list, selected, onSelect, onOpen }: Props) {
  useListVersion(list);
  const api = useApi();
  const total = list.total ?? 0;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [scrollTop, setScrollTop] = useState(0);
  const frame = useRef(0);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => {
      const style = getComputedStyle(el);
      const padding = parseFloat(style.paddingLeft || "0") + parseFloat(style.paddingRight || "0");
      setSize({ width: el.clientWidth - padding, height: el.clientHeight });
    };
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const onScroll = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (scrollRef.current) setScrollTop(scrollRef.current.scrollTop);
    });
  }, []);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const grid = useMemo(
    () => layout({ width: size.width || 1000, total, minCellWidth: MIN_CELL, gap: GAP, captionHeight: CAPTION }),
    [size.width, total],
  );
  const viewport = size.height || 800;
  const range = visibleRange(grid, total, scrollTop, viewport, 2);

  // Fetch the pages in view once scrolling pauses for a moment (a fling through 20,000
  // photos must not request every page it passes); the first screen loads at once.
  useEffect(() => {
    if (list.get(range.firstIndex) === undefined && list.get(range.lastIndex) === undefined && scrollTop === 0) {
      list.ensure(range.firstIndex, range.lastIndex);
      return;
    }
    const t = setTimeout(() => list.ensure(range.firstIndex, range.lastIndex), 60);
    return () => clearTimeout(t);
  }, [list, range.firstIndex, range.lastIndex, list.version, scrollTop]);

  // Keep the selection in view when it moves (keyboard, viewer ←/→, reload).
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || selected < 0 || selected >= total) return;
    const next = scrollToReveal(grid, selected, el.scrollTop, el.clientHeight || viewport);
    if (next !== el.scrollTop) {
      el.scrollTop = next;
      setScrollTop(next);
    }
  }, [selected, grid, total, viewport]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "Enter" || e.key === " ") {
      const photo = list.get(selected);
      if (photo) {
        e.preventDefault();
        onOpen(selected, photo);
      }
      return;
    }
    const rowsPerPage = Math.max(1, Math.floor(viewport / grid.rowHeight));
    const next = moveIndex(selected < 0 ? 0 : selected, e.key, grid.columns, total, rowsPerPage);
    if (next !== selected || (selected < 0 && next >= 0)) {
      e.preventDefault();
      onSelect(next);
    } else if (e.key.startsWith("Arrow") || e.key.startsWith("Page")) {
      e.preventDefault();
    }
  };

  const cells: React.ReactNode[] = [];
  for (let i = range.firstIndex; i <= range.lastIndex; i++) {
    const row = Math.floor(i / grid.columns);
    const col = i % grid.columns;
    const x = col * (grid.cellWidth + GAP);
    const y = row * grid.rowHeight;
    const w = grid.cellWidth;
    const h = grid.rowHeight - GAP;
    const photo = list.get(i);
    cells.push(
      photo ? (
        <Card key={photo.image_id + ":" + i} photo={photo} thumb={api.thumbnailUrl(photo.image_id)} index={i} selected={i === selected} x={x} y={y} w={w} h={h} onSelect={onSelect} onOpen={onOpen} />
      ) : (
        <div key={"ph" + i} className="card loading" style={cellStyle(x, y, w, h)} data-testid="photo-card-loading" aria-hidden="true">
          <div className="thumb" />
          <div className="caption" />
        </div>
      ),
    );
  }

  return (
    <div
      ref={scrollRef}
      className="grid-scroll"
      onScroll={onScroll}
      tabIndex={0}
      role="grid"
      aria-label={`Photos, ${total.toLocaleString("en-US")} in this view. Arrow keys move, Enter opens.`}
      aria-rowcount={grid.rows}
      aria-colcount={grid.columns}
      aria-activedescendant={selected >= 0 && list.get(selected) ? `photo-${selected}` : undefined}
      onKeyDown={onKeyDown}
      data-testid="photo-grid"
    >
      <div className="grid-inner" style={{ height: grid.totalHeight }} role="rowgroup">
        {cells}
      </div>
    </div>
  );
}

interface CardProps {
  photo: PhotoSummary;
  thumb: string;
  index: number;
  selected: boolean;
  x: number;
  y: number;
  w: number;
  h: number;
  onSelect: (i: number) => void;
  onOpen: (i: number, p: PhotoSummary) => void;
}

const Card = memo(function Card({ photo, thumb, index, selected, x, y, w, h, onSelect, onOpen }: CardProps) {
  return (
    <div
      id={`photo-${index}`}
      className="card"
      role="gridcell"
      aria-selected={selected}
      aria-label={`${photo.name}, score ${formatScore(photo.final_score)}${photo.tier ? ", " + photo.tier : ""}, #${index + 1}${photo.burst ? ", " + burstLabel(photo.burst) : ""}`}
      style={cellStyle(x, y, w, h)}
      data-testid="photo-card"
      data-image-id={photo.image_id}
      data-score={photo.final_score ?? ""}
      data-rank={index + 1}
      onClick={() => {
        onSelect(index);
        onOpen(index, photo);
      }}
    >
      <Thumb src={thumb} scored={photo.final_score !== null} />
      <span className="rank">#{index + 1}</span>
      {photo.burst ? <BurstBadge place={photo.burst} /> : null}
      <div className="caption">
        <span className="score">{formatScore(photo.final_score)}</span>
        <TierBadge tier={photo.tier} score={photo.final_score} />
        <span className="name" title={photo.path}>
          {photo.name}
        </span>
      </div>
    </div>
  );
});

/** A lazy thumbnail; a photo without one yet (not analyzed) shows a quiet placeholder. */
export function Thumb({ src, scored }: { src: string; scored: boolean }) {
  const [failed, setFailed] = useState(false);
  if (failed) return <div className="thumb no-thumb">{scored ? "No preview" : "Not scored yet"}</div>;
  return <img className="thumb" src={src} alt="" loading="lazy" decoding="async" draggable={false} onError={() => setFailed(true)} />;
}

function cellStyle(x: number, y: number, w: number, h: number): React.CSSProperties {
  return { width: w, height: h, transform: `translate(${x}px, ${y}px)` };
}
