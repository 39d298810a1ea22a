"""The pipeline drawn as a timeline (api/templates/_timeline.svg): the stages in order, top to bottom,
those passed filled, the current one ringed, those to come outlined; a way back to an earlier stage is
one loop arrow with how many times it was taken, not the stages drawn again; a project rejected or
withdrawn ends in an end marker after the stage where it ended. Laid out vertically in a viewBox so
it scales to any width, a 390 px phone included."""

from dataclasses import dataclass

from api.web.page_text import Translator
from api.web.pages_common import local_time
from services.dashboard.schemas import StagePeriod, Timeline
from services.projects.models import Stage

WIDTH = 380
ROW = 46
TOP = 22
NODE_X = 92
LABEL_X = 110
LANE_X = (70, 54, 38, 22)  # loops, innermost first


@dataclass(frozen=True)
class Node:
    stage: str
    label: str
    dates: str
    state: str  # "past", "current", "future" or "ended"
    y: int


@dataclass(frozen=True)
class Loop:
    path: str
    label: str
    label_x: int
    label_y: int
    words: str


@dataclass(frozen=True)
class End:
    y: int
    status: str
    label: str
    dates: str


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    node_x: int
    label_x: int
    nodes: list[Node]
    loops: list[Loop]
    end: End | None
    summary: str


def draw(timeline: Timeline, t: Translator) -> Drawing:
    stages = list(Stage)
    current = stages.index(Stage(timeline.stage))
    shown = stages[: current + 1] if timeline.ended else stages
    nodes = [_node(timeline, stage, i, current, t) for i, stage in enumerate(shown)]
    y_of = {n.stage: n.y for n in nodes}
    loops = [_loop(y_of[r.from_stage], y_of[r.to_stage], r.count, lane, t.stage(r.from_stage), t.stage(r.to_stage), t)
             for lane, r in enumerate(timeline.returns[: len(LANE_X)]) if r.from_stage in y_of and r.to_stage in y_of]
    end = None
    if timeline.ended:
        words = t(f"timeline.end.{timeline.ended.status}")
        end = End(y=TOP + len(nodes) * ROW, status=str(timeline.ended.status), label=words,
                  dates=local_time(timeline.ended.at) if timeline.ended.at else "")
    height = TOP + (len(nodes) + (1 if end else 0)) * ROW
    return Drawing(WIDTH, height, NODE_X, LABEL_X, nodes, loops, end, _summary(timeline, loops, end, t))


def _node(timeline: Timeline, stage: Stage, index: int, current: int, t: Translator) -> Node:
    periods = [p for p in timeline.stages if p.stage == stage]
    if index < current:
        state = "past"
    elif index > current:
        state = "future"
    else:
        state = "ended" if timeline.ended else "current"
    return Node(stage=str(stage), label=t.stage(stage), dates=_dates(periods, state, t), state=state,
                y=TOP + index * ROW)


def _dates(periods: list[StagePeriod], state: str, t: Translator) -> str:
    entered = next((p.entered_at for p in periods if p.entered_at), None)
    left = next((p.left_at for p in reversed(periods) if p.left_at), None)
    if state == "current":
        return t("timeline.since", when=local_time(entered)) if entered else t("timeline.current")
    if state == "future" or entered is None:
        return ""
    if left is None:
        return local_time(entered)
    start, end = local_time(entered), local_time(left)
    return f"{start} – {end[11:] if end[:10] == start[:10] else end}"


def _loop(y_from: int, y_to: int, count: int, lane: int, source: str, target: str, t: Translator) -> Loop:
    """From the left of the later stage's node, out to its lane, up, and back in to the earlier stage."""
    x, start = LANE_X[lane], NODE_X - 11
    path = f"M{start},{y_from} H{x} V{y_to} H{start - 3}"
    return Loop(path=path, label=f"×{count}", label_x=x - 4, label_y=(y_from + y_to) // 2 + 4,
                words=t("timeline.loop", source=source, target=target, count=count))


def _summary(timeline: Timeline, loops: list[Loop], end: End | None, t: Translator) -> str:
    """The drawing in one sentence, for a reader who cannot see it."""
    parts = [t("timeline.now", stage=t.stage(timeline.stage))]
    parts += [loop.words for loop in loops]
    if end is not None:
        parts.append(f"{end.label} {end.dates}".strip())
    return t.pick("；", "; ").join(parts)
