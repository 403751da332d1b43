"""Per-stage statistics: counted by the framework (never by the stages), merged across shards.

Each stage's stats hold documents in / kept / rejected (per reason), text bytes in and kept,
seconds spent, and free-form counters a stage reports (e.g. characters removed by a line
filter). The invariant ``docs_in (+ docs_added) == docs_kept + docs_rejected`` is checked for every stage
(only an up-sampling stage adds documents: copies of the best ones),
and so is the chain: a stage receives exactly what the stage before it kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class StageStats:
    name: str
    docs_in: int = 0
    docs_kept: int = 0
    docs_rejected: int = 0
    docs_added: int = 0  # copies a stage added (up-sampling): in + added == kept + rejected
    bytes_in: int = 0
    bytes_kept: int = 0
    seconds: float = 0.0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    counters: dict[str, float] = field(default_factory=dict)

    def add_reasons(self, reasons) -> None:
        for r in reasons:
            self.rejected_by_reason[r] = self.rejected_by_reason.get(r, 0) + 1

    def merge(self, other: "StageStats") -> None:
        if other.name != self.name:
            raise ValueError(f"cannot merge stats of {other.name!r} into {self.name!r}")
        self.docs_in += other.docs_in
        self.docs_kept += other.docs_kept
        self.docs_rejected += other.docs_rejected
        self.docs_added += other.docs_added
        self.bytes_in += other.bytes_in
        self.bytes_kept += other.bytes_kept
        self.seconds += other.seconds
        for k, v in other.rejected_by_reason.items():
            self.rejected_by_reason[k] = self.rejected_by_reason.get(k, 0) + v
        for k, v in other.counters.items():
            self.counters[k] = self.counters.get(k, 0) + v

    def to_dict(self) -> dict:
        return {
            "name": self.name, "docs_in": self.docs_in, "docs_kept": self.docs_kept,
            "docs_rejected": self.docs_rejected, "docs_added": self.docs_added, "bytes_in": self.bytes_in, "bytes_kept": self.bytes_kept,
            "seconds": round(self.seconds, 6),
            "rejected_by_reason": dict(sorted(self.rejected_by_reason.items())),
            "counters": dict(sorted(self.counters.items())),
        }

    @classmethod
    def from_dict(cls, d: dict) -> "StageStats":
        return cls(name=d["name"], docs_in=d["docs_in"], docs_kept=d["docs_kept"],
                   docs_rejected=d["docs_rejected"], docs_added=d.get("docs_added", 0), bytes_in=d["bytes_in"], bytes_kept=d["bytes_kept"],
                   seconds=d["seconds"], rejected_by_reason=dict(d["rejected_by_reason"]),
                   counters=dict(d["counters"]))


class ConservationError(AssertionError):
    """Documents were lost or invented: a bug, never a data problem."""


def check_conservation(stages: list[StageStats]) -> None:
    """Raise if any stage's counts do not add up, or a stage did not receive its predecessor's kept docs."""
    previous = None
    for s in stages:
        if s.docs_in + s.docs_added != s.docs_kept + s.docs_rejected:
            raise ConservationError(f"stage {s.name!r}: in={s.docs_in} + added={s.docs_added} != "
                                    f"kept={s.docs_kept} + rejected={s.docs_rejected}")
        if sum(s.rejected_by_reason.values()) != s.docs_rejected:
            raise ConservationError(f"stage {s.name!r}: rejected={s.docs_rejected} but reasons add up to "
                                    f"{sum(s.rejected_by_reason.values())}")
        if previous is not None and s.docs_in != previous.docs_kept:
            raise ConservationError(f"stage {s.name!r} received {s.docs_in} documents but "
                                    f"{previous.name!r} kept {previous.docs_kept}")
        previous = s


def merge_stage_lists(lists: list[list[StageStats]]) -> list[StageStats]:
    """Merge per-shard stage lists (same stages in the same order) into one list."""
    if not lists:
        return []
    merged = [StageStats(s.name) for s in lists[0]]
    for stage_list in lists:
        for total, part in zip(merged, stage_list, strict=True):
            total.merge(part)
    return merged


def format_table(stages: list[dict]) -> str:
    """A plain-text table of stage stats, for ``corpuskit stats`` and the end of a run."""
    rows = [("stage", "in", "kept", "rejected", "kept %", "MB in", "seconds")]
    for s in stages:
        # no share of nothing: a stage that received no documents has no "kept %" (an en dash)
        pct = f"{100.0 * s['docs_kept'] / s['docs_in']:.1f}" if s["docs_in"] else "\u2013"
        rows.append((s["name"], f"{s['docs_in']:,}", f"{s['docs_kept']:,}", f"{s['docs_rejected']:,}",
                     pct, f"{s['bytes_in'] / 1e6:.2f}", f"{s['seconds']:.2f}"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for j, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    for s in stages:
        if s["rejected_by_reason"]:
            lines.append(f"\n{s['name']} rejections:")
            for reason, n in sorted(s["rejected_by_reason"].items(), key=lambda kv: (-kv[1], kv[0])):
                lines.append(f"  {n:>10,}  {reason}")
        if s.get("counters"):
            lines.append(f"\n{s['name']} counters:")
            for k, v in s["counters"].items():
                lines.append(f"  {v:>10,.6g}  {k}")
    return "\n".join(lines)
