"""PNG plots of an nsfab results folder, or a comparison of several folders.

    plot RESULTS_DIR [RESULTS_DIR ...] [-o OUTDIR]
    plot --compare RESULTS_DIR RESULTS_DIR [...] -o OUTDIR

Reads summary.json (scenario name), fct.csv, collectives.csv, queues.csv and pfc.csv; writes each
plot whose data exist into RESULTS_DIR/plots/ (or OUTDIR) and prints the path of every file
written. Every input is validated before anything is drawn: a problem is reported as
`file:line: what is wrong` on stderr, the exit status is 1 and that run gets no plot.
docs/plots.md describes every plot. Run it through scripts/plot, which uses Debian's python3.
"""

import argparse
import csv
import itertools
import json
import math
import os
import sys
import tempfile

import numpy as np

import matplotlib

matplotlib.use("Agg")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

# Every PNG is FIG_WIDTH x FIG_HEIGHT inches at DPI dots per inch: 1600 x 1000 pixels.
FIG_WIDTH = 16
FIG_HEIGHT = 10
DPI = 100

SUMMARY = "summary.json"
FCT = "fct.csv"
COLLECTIVES = "collectives.csv"
QUEUES = "queues.csv"
PFC = "pfc.csv"
TIMELINE = "timeline.csv"
RESULT_FILES = (SUMMARY, FCT, COLLECTIVES, QUEUES, PFC, TIMELINE)

# Plots of one run and of a comparison, in the order they are written.
RUN_PLOTS = ("fct-cdf.png", "slowdown.png", "queues.png", "throughput.png", "busbw.png", "pfc.png",
             "timeline.png")
COMPARE_PLOTS = ("compare-fct-cdf.png", "compare-slowdown.png", "compare-busbw.png")

# Flow-size bins of the slowdown plots: this many per decade, edges at 10^(k / BINS_PER_DECADE).
BINS_PER_DECADE = 4
# Queue and throughput plots draw a line for at most this many ports (the largest), and a band
# for the range over all ports when there are more.
LEGEND_MAX = 10
PFC_PRIORITIES = 8
ROWS_PER_CHUNK = 1 << 16
# Long lines keep the extreme points of this many time slices (about one per pixel column).
DECIMATE_BUCKETS = 1500

# Column kinds: "skip" (not used, any text), "name" (text, kept as category codes), "int"
# (non-negative decimal integer), "float" (finite non-negative number), "int?"/"float?" (the same,
# or empty: all optional columns of a row are empty together), "priority" (0-7),
# "event" (pause or resume).
SCHEMAS = {
    FCT: (
        ("flow", "skip"),
        ("workload", "name"),
        ("src", "skip"),
        ("dst", "skip"),
        ("bytes", "int"),
        ("start_ps", "int"),
        ("fct_ps", "int?"),
        ("ideal_fct_ps", "int?"),
        ("slowdown", "float?"),
    ),
    COLLECTIVES: (
        ("collective", "skip"),
        ("workload", "name"),
        ("op", "name"),
        ("algorithm", "name"),
        ("ranks", "int"),
        ("bytes", "int"),
        ("start_ps", "int"),
        ("time_ps", "int?"),
        ("algbw_gbps", "float?"),
        ("busbw_gbps", "float?"),
        ("slowest_rank", "skip"),
    ),
    QUEUES: (
        ("time_ps", "int"),
        ("node", "name"),
        ("port", "name"),
        ("queue_bytes", "int"),
        ("tx_bytes", "int"),
    ),
    PFC: (
        ("time_ps", "int"),
        ("node", "name"),
        ("port", "name"),
        ("priority", "priority"),
        ("event", "event"),
    ),
    TIMELINE: (
        ("job", "name"),
        ("label", "name"),
        ("activity", "name"),
        ("start_us", "float"),
        ("end_us", "float"),
        ("tasks", "int"),
    ),
}
EVENTS = ("pause", "resume")
ATTRIBUTES = {FCT: "fct", COLLECTIVES: "collectives", QUEUES: "queues", PFC: "pfc",
              TIMELINE: "timeline"}
# What the comparison plots read (queues.csv and pfc.csv are neither read nor checked there).
COMPARED = (FCT, COLLECTIVES)
UMASK = os.umask(0o022)
os.umask(UMASK)


class InputError(Exception):
    """A problem with an input, already worded as `file:line: what is wrong`."""


def where(path, line=None):
    return f"{path}:{line}" if line is not None else path


# ------------------------------------------------------------------------------------------------
# Reading and validation


class _BadCell(Exception):
    def __init__(self, index, message):
        super().__init__(message)
        self.index = index
        self.message = message


def _describe(text):
    return repr(text) if len(text) <= 40 else repr(text[:37] + "...")


def _int_cells(column, name, index_base=0):
    """Converts decimal integer text to int64; raises _BadCell at the first bad cell."""
    joined = "".join(column)
    if (
        joined.isascii()
        and joined.isdigit()
        and all(column)
        and max(map(len, column), default=0) <= 18
    ):
        return np.fromiter(map(int, column), dtype=np.int64, count=len(column))
    out = np.empty(len(column), dtype=np.int64)
    for i, text in enumerate(column):
        if text == "":
            raise _BadCell(index_base + i, f"{name} is empty")
        if not (text.isascii() and text.isdigit()):
            raise _BadCell(
                index_base + i, f"{name}: {_describe(text)} is not a non-negative integer"
            )
        value = int(text)
        if value >= 1 << 63:
            raise _BadCell(index_base + i, f"{name}: {text} is too large")
        out[i] = value
    return out


def _float_cells(column, name, index_base=0):
    """Converts text to finite non-negative float64; raises _BadCell at the first bad cell."""
    try:
        values = np.fromiter(map(float, column), dtype=np.float64, count=len(column))
        if np.all(np.isfinite(values)) and np.all(values >= 0):
            return values
    except ValueError:
        pass
    for i, text in enumerate(column):
        if text == "":
            raise _BadCell(index_base + i, f"{name} is empty")
        try:
            value = float(text)
        except ValueError:
            raise _BadCell(index_base + i, f"{name}: {_describe(text)} is not a number") from None
        if not math.isfinite(value):
            raise _BadCell(index_base + i, f"{name}: {_describe(text)} is not finite")
        if value < 0:
            raise _BadCell(index_base + i, f"{name}: {text} is negative")
    raise AssertionError("unreachable")


class Table:
    """The validated columns of one CSV file.

    ints/floats are numpy arrays; "name" columns are int32 code arrays with their names in
    `names[column]` (in order of first appearance); optional columns hold 0 where `present` is
    False.
    """

    def __init__(self, path):
        self.path = path
        self.rows = 0
        self.columns = {}
        self.names = {}
        self.present = None
        self._single_line_rows = True

    def __len__(self):
        return self.rows

    def line(self, row):
        """The line number (1-based, header is line 1) where data row `row` (0-based) starts."""
        if self._single_line_rows:
            return row + 2
        with open(self.path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            previous = 0
            for index, _ in enumerate(reader):
                if index == row + 1:
                    return previous + 1
                previous = reader.line_num
        return previous + 1

    def error(self, row, message):
        return InputError(f"{where(self.path, self.line(row))}: {message}")


def _find_undecodable_line(path):
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return None


def _header_problem(found, expected):
    text = f"header is {','.join(found)!r}, expected {','.join(expected)!r}"
    for i, (a, b) in enumerate(zip(found, expected)):
        if a != b:
            return f"{text} (column {i + 1} is {a!r}, not {b!r})"
    return f"{text} ({len(found)} columns, not {len(expected)})"


def read_csv(path, kind):
    """Reads and validates one results CSV; returns a Table or raises InputError."""
    schema = SCHEMAS[kind]
    header = [name for name, _ in schema]
    table = Table(path)
    chunks = {name: [] for name, kinds in schema if kinds != "skip"}
    categories = {name: {} for name, kinds in schema if kinds == "name"}
    optional = [i for i, (_, k) in enumerate(schema) if k.endswith("?")]
    present_chunks = []
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            first = next(reader, None)
            if first is None:
                raise InputError(
                    f"{where(path, 1)}: empty file; expected the header {','.join(header)}"
                )
            if first != header:
                raise InputError(f"{where(path, 1)}: {_header_problem(first, header)}")
            while True:
                chunk = list(itertools.islice(reader, ROWS_PER_CHUNK))
                if not chunk:
                    break
                base = table.rows
                table.rows += len(chunk)
                if reader.line_num != table.rows + 1:
                    table._single_line_rows = False
                _validate_chunk(
                    schema, chunk, base, chunks, categories, optional, present_chunks
                )
    except _BadCell as bad:
        raise table.error(bad.index, bad.message) from None
    except UnicodeDecodeError:
        raise InputError(f"{where(path, _find_undecodable_line(path))}: not UTF-8 text") from None
    except csv.Error as e:
        raise InputError(f"{where(path, reader.line_num)}: {e}") from None
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}") from None

    for name, parts in chunks.items():
        dtype = np.float64 if dict(schema)[name].startswith("float") else np.int64
        if dict(schema)[name] in ("name", "event"):
            dtype = np.int32
        table.columns[name] = np.concatenate(parts) if parts else np.empty(0, dtype=dtype)
    for name, mapping in categories.items():
        table.names[name] = list(mapping)
    if optional:
        table.present = (
            np.concatenate(present_chunks) if present_chunks else np.empty(0, dtype=bool)
        )
    return table


def _validate_chunk(schema, chunk, base, chunks, categories, optional, present_chunks):
    width = len(schema)
    if set(map(len, chunk)) != {width}:
        for i, row in enumerate(chunk):
            if not row:
                raise _BadCell(base + i, "empty line")
            if len(row) != width:
                raise _BadCell(base + i, f"{len(row)} fields, expected {width}")
    columns = list(zip(*chunk))
    present = None
    if optional and not any(columns[j].count("") for j in optional):
        present = np.ones(len(chunk), dtype=bool)
        present_chunks.append(present)
    elif optional:
        empty = [
            np.fromiter((c == "" for c in columns[j]), dtype=bool, count=len(chunk))
            for j in optional
        ]
        all_empty = np.logical_and.reduce(empty)
        any_empty = np.logical_or.reduce(empty)
        mixed = np.flatnonzero(any_empty & ~all_empty)
        if mixed.size:
            i = int(mixed[0])
            blank = [schema[j][0] for j, e in zip(optional, empty) if e[i]]
            set_ = [schema[j][0] for j, e in zip(optional, empty) if not e[i]]
            raise _BadCell(
                base + i,
                f"{' and '.join(blank)} {'is' if len(blank) == 1 else 'are'} empty but "
                f"{' and '.join(set_)} {'is' if len(set_) == 1 else 'are'} not (all are empty "
                "when it did not complete)",
            )
        present = ~all_empty
        present_chunks.append(present)
    for j, (name, kind) in enumerate(schema):
        column = columns[j]
        if kind == "skip":
            continue
        if kind == "name":
            mapping = categories[name]
            codes = np.fromiter(
                (mapping.setdefault(text, len(mapping)) for text in column),
                dtype=np.int32,
                count=len(column),
            )
            chunks[name].append(codes)
        elif kind == "event":
            codes = np.fromiter(
                (0 if text == EVENTS[0] else 1 if text == EVENTS[1] else -1 for text in column),
                dtype=np.int32,
                count=len(column),
            )
            bad = np.flatnonzero(codes < 0)
            if bad.size:
                i = int(bad[0])
                raise _BadCell(base + i, f"{name}: {_describe(column[i])} is not pause or resume")
            chunks[name].append(codes)
        elif kind in ("int", "priority"):
            values = _int_cells(column, name, base)
            if kind == "priority":
                bad = np.flatnonzero(values >= PFC_PRIORITIES)
                if bad.size:
                    i = int(bad[0])
                    raise _BadCell(base + i, f"{name}: {column[i]} is not a PFC priority (0-7)")
            chunks[name].append(values)
        elif kind in ("int?", "float?"):
            keep = np.flatnonzero(present)
            subset = column if keep.size == len(column) else [column[i] for i in keep]
            convert = _int_cells if kind == "int?" else _float_cells
            try:
                values = convert(subset, name)
            except _BadCell as bad:
                raise _BadCell(base + int(keep[bad.index]), bad.message) from None
            full = np.zeros(len(column), dtype=values.dtype)
            full[keep] = values
            chunks[name].append(full)
        elif kind == "float":
            chunks[name].append(_float_cells(column, name, base))
        else:
            raise AssertionError(kind)


def read_summary(path):
    """Returns the parsed summary.json (a dict) or raises InputError."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InputError(f"{where(path, line)}: not UTF-8 text") from None
    try:
        summary = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{where(path, e.lineno)}: not valid JSON: {e.msg}") from None
    if not isinstance(summary, dict):
        raise InputError(f"{where(path, 1)}: expected a JSON object")
    schema = summary.get("schema")
    if not (isinstance(schema, str) and schema.startswith("nsfab-summary/")):
        at = text.find('"schema"')
        line = text.count("\n", 0, at) + 1 if at >= 0 else 1
        raise InputError(f"{where(path, line)}: schema is {schema!r}, expected nsfab-summary/N")
    return summary


class Run:
    """One validated results folder."""

    def __init__(self, folder):
        self.folder = folder
        self.name = os.path.basename(os.path.normpath(os.path.abspath(folder)))
        self.summary = None
        self.fct = None
        self.collectives = None
        self.queues = None
        self.pfc = None
        self.timeline = None

    @property
    def sim_time_ps(self):
        totals = (self.summary or {}).get("totals")
        value = totals.get("sim_time_ps") if isinstance(totals, dict) else None
        return value if isinstance(value, int) and value >= 0 else None


def load_run(folder, kinds=tuple(ATTRIBUTES)):
    """Reads and validates summary.json and the CSVs `kinds` of `folder`; returns
    (Run, [error messages])."""
    run = Run(folder)
    if not os.path.exists(folder):
        return run, [f"{folder}: no such folder"]
    if not os.path.isdir(folder):
        return run, [f"{folder}: not a folder"]
    if not any(os.path.isfile(os.path.join(folder, f)) for f in RESULT_FILES):
        return run, [f"{folder}: not a results folder: none of {', '.join(RESULT_FILES)}"]
    errors = []
    path = os.path.join(folder, SUMMARY)
    if os.path.isfile(path):
        try:
            run.summary = read_summary(path)
            scenario = run.summary.get("scenario")
            if isinstance(scenario, dict):
                scenario = scenario.get("name")
            if isinstance(scenario, str) and scenario:
                run.name = scenario
        except InputError as e:
            errors.append(str(e))
    checks = {FCT: None, COLLECTIVES: None, QUEUES: check_queues, PFC: None, TIMELINE: None}
    for kind, check in checks.items():
        path = os.path.join(folder, kind)
        if kind not in kinds or not os.path.isfile(path):
            continue
        try:
            table = read_csv(path, kind)
            if check:
                check(table)
        except InputError as e:
            errors.append(str(e))
            continue
        setattr(run, ATTRIBUTES[kind], table)
    return run, errors


def port_keys(table):
    """One integer per row naming its (node, port), and the labels of those keys."""
    ports = len(table.names["port"])
    keys = table.columns["node"].astype(np.int64) * max(ports, 1) + table.columns["port"]
    return keys, ports


def port_label(table, key, ports):
    node, port = divmod(int(key), max(ports, 1))
    return f"{table.names['node'][node]} port {table.names['port'][port]}"


def check_queues(table):
    """Per (node, port), time_ps increases and tx_bytes never decreases, in file order."""
    if len(table) < 2:
        return
    keys, ports = port_keys(table)
    order = np.argsort(keys, kind="stable")
    same = keys[order][1:] == keys[order][:-1]
    time = table.columns["time_ps"][order]
    tx = table.columns["tx_bytes"][order]
    bad = same & ((time[1:] <= time[:-1]) | (tx[1:] < tx[:-1]))
    hits = np.flatnonzero(bad)
    if hits.size:
        first = hits[np.argmin(order[hits + 1])]
        row, previous = int(order[first + 1]), int(order[first])
        label = port_label(table, keys[row], ports)
        for column, wrong in (("time_ps", "is not after"), ("tx_bytes", "is less than")):
            now, then = int(table.columns[column][row]), int(table.columns[column][previous])
            if (now <= then) if column == "time_ps" else (now < then):
                raise table.error(
                    row,
                    f"{column} {now} {wrong} {then} of the previous sample of {label} "
                    f"(line {table.line(previous)})",
                )


# ------------------------------------------------------------------------------------------------
# Derived data


def size_bins(sizes):
    """Log-spaced bin edges (BINS_PER_DECADE per decade) covering every size in `sizes`."""
    sizes = np.maximum(sizes, 1)
    low = math.floor(math.log10(sizes.min()) * BINS_PER_DECADE + 1e-9)
    high = math.floor(math.log10(sizes.max()) * BINS_PER_DECADE + 1e-9) + 1
    return 10.0 ** (np.arange(low, high + 1) / BINS_PER_DECADE)


def bin_index(sizes, edges):
    """The bin of each size (sizes below 1 byte count as 1 byte)."""
    return np.clip(
        np.searchsorted(edges, np.maximum(sizes, 1), side="right") - 1, 0, len(edges) - 2
    )


def bin_centers(all_sizes, edges):
    """Geometric mean of the sizes falling in each bin (the x of that bin in every series)."""
    sizes = np.maximum(all_sizes, 1)
    index = bin_index(sizes, edges)
    sums = np.bincount(index, weights=np.log(sizes), minlength=len(edges) - 1)
    counts = np.bincount(index, minlength=len(edges) - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.exp(sums / counts)


def binned(sizes, values, edges, centers, statistic):
    index = bin_index(sizes, edges)
    xs, ys = [], []
    for b in np.unique(index):
        xs.append(centers[b])
        ys.append(statistic(values[index == b]))
    return np.array(xs), np.array(ys)


def p99(values):
    return float(np.percentile(values, 99))


def completed_flows(run):
    """(workload codes, bytes, fct_ps, slowdown) of the completed flows, or None."""
    t = run.fct
    if t is None or not t.present.any():
        return None
    m = t.present
    return tuple(t.columns[c][m] for c in ("workload", "bytes", "fct_ps", "slowdown"))


def completed_collectives(run):
    t = run.collectives
    if t is None or not t.present.any():
        return None
    return t.present


def pause_intervals(run):
    """Per (node, port, priority): label, closed and open-ended paused intervals (start, length).

    A pause while paused extends the pause; a resume while not paused is ignored; a pause never
    resumed lasts until the end of the run (summary's sim_time_ps, or the last event or queue
    sample)."""
    t = run.pfc
    keys, ports = port_keys(t)
    keys = keys * PFC_PRIORITIES + t.columns["priority"]
    time = t.columns["time_ps"]
    end = int(time.max()) if len(t) else 0
    if run.queues is not None and len(run.queues):
        end = max(end, int(run.queues.columns["time_ps"].max()))
    if run.sim_time_ps is not None:
        end = max(end, run.sim_time_ps)
    order = np.lexsort((time, keys))
    series = {}
    for key, at, event in zip(keys[order].tolist(), time[order].tolist(),
                              t.columns["event"][order].tolist()):
        state = series.setdefault(key, {"since": None, "closed": [], "open": []})
        if event == 0:
            if state["since"] is None:
                state["since"] = at
        elif state["since"] is not None:
            state["closed"].append((state["since"], at - state["since"]))
            state["since"] = None
    out = []
    for key in sorted(series, key=lambda k: _natural(_pfc_label(t, k, ports))):
        state = series[key]
        if state["since"] is not None:
            state["open"].append((state["since"], end - state["since"]))
        out.append((_pfc_label(t, key, ports), state["closed"], state["open"]))
    return out, end


def _pfc_label(table, key, ports):
    port_key, priority = divmod(key, PFC_PRIORITIES)
    return f"{port_label(table, port_key, ports)} prio {priority}"


def _natural(text):
    """Sort key that orders 'leaf2' before 'leaf10'."""
    parts = []
    for digits, chars in itertools.groupby(text, key=str.isdigit):
        chunk = "".join(chars)
        parts.append((0, int(chunk), "") if digits else (1, 0, chunk))
    return parts


# ------------------------------------------------------------------------------------------------
# Drawing


def new_figure():
    fig = Figure(figsize=(FIG_WIDTH, FIG_HEIGHT), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def save(fig, folder, name):
    """Writes the figure as folder/name atomically; returns the path."""
    path = os.path.join(folder, name)
    os.makedirs(folder, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            fig.savefig(f, format="png", dpi=DPI)
        os.chmod(temporary, 0o666 & ~UMASK)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    return path


def _bytes_label(value, _position=None):
    if value <= 0:
        return ""
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if value >= scale:
            return f"{value / scale:g} {unit}"
    return f"{value:g} B"


def bytes_axis(axis):
    axis.set_major_formatter(FuncFormatter(_bytes_label))


def plain_axis(axis):
    """Log-axis ticks as plain numbers (10, 100, 1000) instead of powers of ten."""
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}" if value > 0 else ""))


def finish(ax, title, xlabel, ylabel, legend=True, legend_title=None):
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.5)
    ax.grid(True, which="minor", alpha=0.15)
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title=legend_title, borderaxespad=0)


def log_y_if_wide(ax, values):
    values = np.asarray(values, dtype=float)
    values = values[values > 0]
    if values.size and values.max() / values.min() > 20:
        ax.set_yscale("log")


def cdf_steps(values, total):
    """x, y of an empirical CDF over `total` items of which `values` finished."""
    x = np.sort(values)
    y = np.arange(1, x.size + 1) / max(total, 1)
    # Starts at 0 at the shortest value, so the first step is drawn too.
    return np.r_[x[:1], x], np.r_[0.0, y]


def plot_fct_cdf(run, out):
    t = run.fct
    flows = completed_flows(run)
    if flows is None:
        return None
    fig, ax = new_figure()
    workloads = t.columns["workload"]
    for code in _ordered_codes(t.names["workload"]):
        rows = workloads == code
        total = int(rows.sum())
        done = int((rows & t.present).sum())
        fct = t.columns["fct_ps"][rows & t.present]
        fct = fct[fct > 0] / 1e6
        if fct.size == 0:
            continue
        x, y = cdf_steps(fct, total)
        label = f"{t.names['workload'][code] or '(no workload)'} ({total} flows"
        label += f", {total - done} not completed)" if done < total else ")"
        ax.step(x, y, where="post", label=label)
    ax.set_xscale("log")
    plain_axis(ax.xaxis)
    ax.set_ylim(0, 1.02)
    finish(ax, f"{run.name}: flow completion time CDF", "flow completion time (µs)",
           "fraction of flows", legend_title="workload")
    return save(fig, out, "fct-cdf.png")


def _ordered_codes(names):
    return sorted(range(len(names)), key=lambda c: _natural(names[c]))


def plot_slowdown(run, out):
    flows = completed_flows(run)
    if flows is None:
        return None
    codes, sizes, _, slowdown = flows
    edges = size_bins(sizes)
    centers = bin_centers(sizes, edges)
    names = run.fct.names["workload"]
    fig, ax = new_figure()
    colors = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    plotted = []
    for n, code in enumerate(c for c in _ordered_codes(names) if (codes == c).any()):
        pick = codes == code
        color = colors[n % len(colors)]
        name = names[code] or "(no workload)"
        x, med = binned(sizes[pick], slowdown[pick], edges, centers, np.median)
        _, tail = binned(sizes[pick], slowdown[pick], edges, centers, p99)
        ax.plot(x, med, "o-", color=color, label=f"{name} median")
        ax.plot(x, tail, "^--", color=color, label=f"{name} p99")
        plotted += [med, tail]
    ax.set_xscale("log")
    bytes_axis(ax.xaxis)
    log_y_if_wide(ax, np.concatenate(plotted))
    finish(ax, f"{run.name}: slowdown by flow size ({BINS_PER_DECADE} bins per decade)",
           "flow size (bytes)", "slowdown (FCT / ideal FCT)")
    return save(fig, out, "slowdown.png")


def _port_series(table):
    """[(label, rows sorted by time)] per (node, port), in natural label order."""
    if len(table) == 0:
        return []
    keys, ports = port_keys(table)
    order = np.lexsort((table.columns["time_ps"], keys))
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    ends = np.r_[starts[1:], len(order)]
    series = [(port_label(table, sorted_keys[s], ports), order[s:e]) for s, e in zip(starts, ends)]
    return sorted(series, key=lambda item: _natural(item[0]))


def decimate(x, y, buckets=None):
    """Keeps the first, last, lowest and highest point of each of `buckets` equal slices of x
    (x sorted): at figure resolution the line looks the same as with every point (M4)."""
    buckets = buckets or DECIMATE_BUCKETS
    if len(x) <= 4 * buckets or x[-1] == x[0]:
        return x, y
    bucket = np.minimum(((x - x[0]) * (buckets / (x[-1] - x[0]))).astype(np.int64), buckets - 1)
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    ends = np.r_[starts[1:], len(x)] - 1
    # Sorted by bucket, then y: each bucket keeps its place, lowest first and highest last.
    order = np.lexsort((y, bucket))
    keep = np.unique(np.concatenate([starts, ends, order[starts], order[ends]]))
    return x[keep], y[keep]


def envelope(x, y):
    """The distinct values of x (sorted) and the lowest and highest y at each, in DECIMATE_BUCKETS
    slices at most."""
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    starts = np.flatnonzero(np.r_[True, x[1:] != x[:-1]])
    x, low, high = x[starts], np.minimum.reduceat(y, starts), np.maximum.reduceat(y, starts)
    if len(x) > 4 * DECIMATE_BUCKETS and x[-1] != x[0]:
        scale = DECIMATE_BUCKETS / (x[-1] - x[0])
        bucket = np.minimum(((x - x[0]) * scale).astype(np.int64), DECIMATE_BUCKETS - 1)
        starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
        low, high = np.minimum.reduceat(low, starts), np.maximum.reduceat(high, starts)
        x = x[starts]
    return x, low, high


def _draw_series(ax, series, rank, what):
    """Draws (label, x, y) lines, x sorted. Up to LEGEND_MAX ports each get a line; with more,
    the LEGEND_MAX ranked highest by `rank` (one number per series) get a line and a grey band
    shows the range over all ports. Steps (what="rate"): y[k] holds from x[k - 1] to x[k].
    """
    steps = "steps-pre" if what == "rate" else "default"
    if len(series) > LEGEND_MAX:
        x, low, high = envelope(np.concatenate([x for _, x, _ in series]),
                                np.concatenate([y for _, _, y in series]))
        ax.fill_between(x, low, high, step="pre" if what == "rate" else None, color="0.8",
                        linewidth=0, label=f"all {len(series)} ports: lowest to highest")
        chosen = sorted(sorted(range(len(series)), key=lambda i: -rank[i])[:LEGEND_MAX])
    else:
        chosen = range(len(series))
    for i in chosen:
        label, x, y = series[i]
        x, y = decimate(x, y)
        ax.plot(x, y, drawstyle=steps, marker="." if len(x) <= 50 and what != "rate" else None,
                linewidth=1.8, label=label)


def plot_queues(run, out):
    t = run.queues
    if t is None or len(t) == 0:
        return None
    series = []
    for label, rows in _port_series(t):
        kib = t.columns["queue_bytes"][rows] / 1024
        series.append((label, t.columns["time_ps"][rows] / 1e6, kib))
    return _port_figure(out, series, [float(y.max()) for _, _, y in series], "depth",
                        f"{run.name}: queue depth", "with the highest peak",
                        "queue depth (KiB)", "queues.png")


def plot_throughput(run, out):
    t = run.queues
    if t is None:
        return None
    series, sent = [], []
    for label, rows in _port_series(t):
        if rows.size < 2:
            continue
        time = t.columns["time_ps"][rows]
        tx = t.columns["tx_bytes"][rows]
        # bytes * 8 bit / (ps * 1e-12 s) / 1e9 = 8e3 * bytes / ps Gb/s
        gbps = np.diff(tx) * 8e3 / np.diff(time)
        # With steps-pre, the rate of (time[k - 1], time[k]] is drawn at time[k].
        series.append((label, time / 1e6, np.r_[gbps[0], gbps]))
        sent.append(float(tx[-1] - tx[0]))
    if not series:
        return None
    return _port_figure(out, series, sent, "rate",
                        f"{run.name}: port throughput between samples", "that sent most",
                        "throughput (Gb/s)", "throughput.png")


def _port_figure(out, series, ranks, what, title, chosen, ylabel, name):
    """A per-port time series figure; past LEGEND_MAX ports the title says which are drawn."""
    fig, ax = new_figure()
    _draw_series(ax, series, ranks, what)
    ax.set_ylim(bottom=0)
    if len(series) > LEGEND_MAX:
        title += f" ({LEGEND_MAX} ports {chosen} drawn of {len(series)})"
    finish(ax, title, "time (µs)", ylabel)
    return save(fig, out, name)


def _collective_groups(table, mask):
    """[(op/algorithm label, row mask)] among `mask`, in natural label order."""
    op = table.columns["op"]
    algorithm = table.columns["algorithm"]
    keys = op.astype(np.int64) * max(len(table.names["algorithm"]), 1) + algorithm
    groups = []
    for key in np.unique(keys[mask]):
        o, a = divmod(int(key), max(len(table.names["algorithm"]), 1))
        label = f"{table.names['op'][o]}/{table.names['algorithm'][a]}"
        groups.append((label, mask & (keys == key)))
    return sorted(groups, key=lambda g: _natural(g[0]))


def _median_by_size(sizes, values):
    """The distinct sizes and the median of `values` at each."""
    xs, group = np.unique(sizes, return_inverse=True)
    order = np.lexsort((values, group))
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    return xs, np.array([np.median(part) for part in np.split(values[order], bounds)])


def plot_busbw(run, out):
    t = run.collectives
    done = completed_collectives(run)
    if done is None:
        return None
    sizes = t.columns["bytes"]
    busbw = t.columns["busbw_gbps"]
    by_size = np.unique(sizes[done]).size > 1
    fig, ax = new_figure()
    colors = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    for n, (label, rows) in enumerate(_collective_groups(t, done)):
        color = colors[n % len(colors)]
        count = int(rows.sum())
        if by_size:
            ax.scatter(sizes[rows], busbw[rows], color=color, alpha=0.35, s=30)
            x, y = _median_by_size(sizes[rows], busbw[rows])
            ax.plot(x, y, "o-", color=color, label=f"{label} ({count})")
        else:
            order = np.argsort(t.columns["start_ps"][rows], kind="stable")
            x = t.columns["start_ps"][rows][order] / 1e6
            ax.plot(x, busbw[rows][order], "o-", color=color, label=f"{label} ({count})")
    ax.set_ylim(bottom=0)
    if by_size:
        ax.set_xscale("log")
        bytes_axis(ax.xaxis)
        finish(ax, f"{run.name}: collective bus bandwidth by message size (line: median)",
               "message size (bytes)", "bus bandwidth (Gb/s)",
               legend_title="op/algorithm (collectives)")
    else:
        size = _bytes_label(float(sizes[done][0]))
        finish(ax, f"{run.name}: collective bus bandwidth ({size} messages)",
               "collective start time (µs)", "bus bandwidth (Gb/s)",
               legend_title="op/algorithm (collectives)")
    return save(fig, out, "busbw.png")


def finish_rows(ax, names, what, title, legend_title=None):
    """Finishes a chart of bars over time (µs) in rows, the first at the top: at most about 40
    rows named (every row, or every step-th), a legend of each label once beside the plot."""
    ax.set_ylim(-0.5, len(names) - 0.5)
    ax.invert_yaxis()
    step = math.ceil(len(names) / 40)
    ax.set_yticks(range(0, len(names), step), names[::step])
    ylabel = what if step == 1 else f"{what} ({len(names)}, every {step}th named)"
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    ax.legend(unique.values(), unique.keys(), loc="upper left", bbox_to_anchor=(1.01, 1.0),
              borderaxespad=0, title=legend_title)
    ax.set_xlim(left=0)
    finish(ax, title, "time (µs)", ylabel, legend=False)
    ax.grid(False, axis="y")
    ax.set_axisbelow(True)


def plot_pfc(run, out):
    t = run.pfc
    if t is None or len(t) == 0:
        return None
    series, _ = pause_intervals(run)
    fig, ax = new_figure()
    height = 0.7
    for i, (_, closed, still) in enumerate(series):
        if closed:
            ax.broken_barh([(s / 1e6, d / 1e6) for s, d in closed], (i - height / 2, height),
                           color="tab:red", label="paused")
        if still:
            ax.broken_barh([(s / 1e6, d / 1e6) for s, d in still], (i - height / 2, height),
                           color="tab:red", alpha=0.4, hatch="//",
                           label="paused, no resume before the end")
    finish_rows(ax, [label for label, _, _ in series], "node, port, priority",
                f"{run.name}: PFC pauses (while a port kept its peer's priority paused)")
    return save(fig, out, "pfc.png")


def plot_timeline(run, out):
    """A Gantt chart of each job's phases: per phase (a row, in the order the file lists them)
    and activity (a colour), from its first task's start to its last task's end over all ranks."""
    t = run.timeline
    if t is None or len(t) == 0:
        return None
    jobs = t.names["job"]
    labels = t.names["label"]
    activities = t.names["activity"]
    colors = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    # Rows: (job, label) in file order; each row split into a band per activity.
    rows = {}
    for job, label in zip(t.columns["job"], t.columns["label"]):
        rows.setdefault((int(job), int(label)), len(rows))
    fig, ax = new_figure()
    band = 0.8 / len(activities)
    for a, name in enumerate(activities):
        mine = t.columns["activity"] == a
        spans = [((start, end - start), rows[(int(job), int(label))])
                 for job, label, start, end in zip(t.columns["job"][mine], t.columns["label"][mine],
                                                   t.columns["start_us"][mine],
                                                   t.columns["end_us"][mine])]
        for (span, row) in spans:
            ax.broken_barh([span], (row - 0.4 + a * band, band), color=colors[a % len(colors)],
                           label=name)
    names = [f"{jobs[j]}: {labels[label]}" if len(jobs) > 1 else labels[label]
             for j, label in rows]
    finish_rows(ax, names, "phase",
                f"{run.name}: step timeline (first start to last end over all ranks)",
                legend_title="activity")
    return save(fig, out, "timeline.png")


# Comparison plots


def compare_fct_cdf(runs, labels, out):
    fig, ax = new_figure()
    drawn = False
    for run, label in zip(runs, labels):
        if completed_flows(run) is None:
            continue
        t = run.fct
        done = int(t.present.sum())
        fct = t.columns["fct_ps"][t.present]
        fct = fct[fct > 0] / 1e6
        x, y = cdf_steps(fct, len(t))
        extra = f", {len(t) - done} not completed" if done < len(t) else ""
        ax.step(x, y, where="post", label=f"{label} ({len(t)} flows{extra})")
        drawn = True
    if not drawn:
        return None
    ax.set_xscale("log")
    plain_axis(ax.xaxis)
    ax.set_ylim(0, 1.02)
    finish(ax, f"flow completion time CDF: {_names(labels)}", "flow completion time (µs)",
           "fraction of flows", legend_title="run")
    return save(fig, out, "compare-fct-cdf.png")


def compare_slowdown(runs, labels, out):
    present = [(run, label, completed_flows(run)) for run, label in zip(runs, labels)]
    present = [p for p in present if p[2] is not None]
    if not present:
        return None
    all_sizes = np.concatenate([flows[1] for _, _, flows in present])
    edges = size_bins(all_sizes)
    centers = bin_centers(all_sizes, edges)
    fig, ax = new_figure()
    plotted = []
    for _, label, (_, sizes, _, slowdown) in present:
        x, y = binned(sizes, slowdown, edges, centers, p99)
        ax.plot(x, y, "o-", label=label)
        plotted.append(y)
    ax.set_xscale("log")
    bytes_axis(ax.xaxis)
    log_y_if_wide(ax, np.concatenate(plotted))
    finish(ax, f"p99 slowdown by flow size: {_names(labels)}", "flow size (bytes)",
           "p99 slowdown (FCT / ideal FCT)", legend_title="run")
    return save(fig, out, "compare-slowdown.png")


def compare_busbw(runs, labels, out):
    fig, ax = new_figure()
    colors = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    styles = ("o-", "s--", "^:", "D-.", "v-", "P--", "X:", "*-.")
    group_style = {}
    drawn = False
    for n, (run, label) in enumerate(zip(runs, labels)):
        done = completed_collectives(run)
        if done is None:
            continue
        t = run.collectives
        for group, rows in _collective_groups(t, done):
            style = group_style.setdefault(group, styles[len(group_style) % len(styles)])
            x, y = _median_by_size(t.columns["bytes"][rows], t.columns["busbw_gbps"][rows])
            ax.plot(x, y, style, color=colors[n % len(colors)], label=f"{label}: {group}")
            drawn = True
    if not drawn:
        return None
    ax.set_xscale("log")
    bytes_axis(ax.xaxis)
    ax.set_ylim(bottom=0)
    finish(ax, f"collective bus bandwidth (median per size): {_names(labels)}",
           "message size (bytes)", "bus bandwidth (Gb/s)", legend_title="run: op/algorithm")
    return save(fig, out, "compare-busbw.png")


def _names(labels):
    return " vs ".join(labels) if len(labels) <= 4 else f"{len(labels)} runs"


def compare_labels(runs):
    """Scenario names, with the folder added where two runs share a name."""
    names = [run.name for run in runs]
    labels = []
    for run in runs:
        if names.count(run.name) > 1:
            folder = os.path.basename(os.path.normpath(os.path.abspath(run.folder)))
            labels.append(f"{run.name} ({folder})" if folder != run.name else run.folder)
        else:
            labels.append(run.name)
    return labels


def remove_stale(out, names, written):
    """Removes this script's earlier PNGs of `names` from `out` that this run did not rewrite."""
    for name in names:
        path = os.path.join(out, name)
        if path not in written and os.path.isfile(path):
            os.unlink(path)


def draw(plots, out, names):
    written = []
    for plot in plots:
        path = plot(out)
        if path:
            written.append(path)
            print(path, flush=True)
    remove_stale(out, names, written)
    return written


# ------------------------------------------------------------------------------------------------


RUN_PLOTTERS = (plot_fct_cdf, plot_slowdown, plot_queues, plot_throughput, plot_busbw, plot_pfc,
                plot_timeline)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="plot",
        usage="%(prog)s RESULTS_DIR [RESULTS_DIR ...] [-o OUTDIR]\n"
        "       %(prog)s --compare RESULTS_DIR RESULTS_DIR [RESULTS_DIR ...] -o OUTDIR",
        description="PNG plots of nsfab results folders (written to RESULTS_DIR/plots/), or with "
        "--compare plots that compare several runs. Prints the path of every file written. "
        "See docs/plots.md.",
    )
    parser.add_argument("folders", nargs="+", metavar="RESULTS_DIR", help="an nsfab results folder")
    parser.add_argument("--compare", action="store_true",
                        help="compare the folders (at least two) into OUTDIR")
    parser.add_argument("-o", "--out", metavar="OUTDIR",
                        help="write the plots here instead of RESULTS_DIR/plots/")
    args = parser.parse_args(argv)
    if args.compare:
        if len(args.folders) < 2:
            parser.error("--compare needs at least two results folders")
        if not args.out:
            parser.error("--compare needs -o OUTDIR")
    elif args.out and len(args.folders) > 1:
        parser.error("-o OUTDIR takes one results folder (or --compare)")
    return args


def setup_style():
    matplotlib.rcParams.update(
        {
            "font.size": 14,
            "axes.titlesize": 18,
            "axes.labelsize": 15,
            "legend.fontsize": 12,
            "legend.title_fontsize": 12,
            "lines.linewidth": 2.0,
            "lines.markersize": 7,
            "agg.path.chunksize": 10000,
        }
    )


def main(argv):
    args = parse_args(argv)
    setup_style()
    failed = False
    try:
        if args.compare:
            runs = []
            for folder in args.folders:
                run, errors = load_run(folder, COMPARED)
                for message in errors:
                    print(message, file=sys.stderr)
                failed |= bool(errors)
                runs.append(run)
            if failed:
                return 1
            labels = compare_labels(runs)
            plots = [lambda out, f=f: f(runs, labels, out)
                     for f in (compare_fct_cdf, compare_slowdown, compare_busbw)]
            if not draw(plots, args.out, COMPARE_PLOTS):
                print(f"plot: nothing to compare: no completed flow or collective in "
                      f"{', '.join(args.folders)}", file=sys.stderr)
            return 0
        for folder in args.folders:
            run, errors = load_run(folder)
            for message in errors:
                print(message, file=sys.stderr)
            if errors:
                failed = True
                continue
            out = args.out or os.path.join(folder, "plots")
            plots = [lambda o, f=f: f(run, o) for f in RUN_PLOTTERS]
            if run.fct is not None and len(run.fct) and not run.fct.present.any():
                print(f"{os.path.join(folder, FCT)}: no flow completed: no FCT or slowdown plot",
                      file=sys.stderr)
            if not draw(plots, out, RUN_PLOTS):
                print(f"plot: {folder}: nothing to plot", file=sys.stderr)
    except OSError as e:
        print(f"plot: {e.filename or ''}: {e.strerror}", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
