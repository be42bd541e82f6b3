#!/usr/bin/env python3
"""Turn the raw measurements .ci/perf collected into issue 6's four figures.

Usage: report.py DATA   (DATA: the tab-separated lines .ci/perf wrote; see "record" there)

Prints every figure with the raw numbers it comes from and PASS or MISS against its target;
exits 0 when all four could be measured, 3 when one could not (the caller decides what that
means). Pure standard library, so any python3 runs it.
"""

import re
import statistics
import sys
from collections import defaultdict

TARGET_FRAME = 1.25
TARGET_NOCACHE = 1.05
TARGET_CACHED = 1.10
TARGET_LINES = 200_000
TARGET_GROWTH_MB = 1.0  # over 1,000,000 lines: less than a byte a line
TARGET_RSS_MB = 60.0    # decimal megabytes: the stricter reading


def load(path):
    rows = defaultdict(list)
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                rows[parts[0]].append(parts[1:])
    return rows


def med(xs):
    return statistics.median(xs) if xs else None


def verdict(ok):
    return "PASS" if ok else "MISS"


def secs(x):
    return "-" if x is None else "%.3f s" % x


def bench_metrics(rows):
    """{benchmark name: {unit: [values]}} from `go test -bench` lines."""
    out = defaultdict(lambda: defaultdict(list))
    for parts in rows:
        f = " ".join(parts).split()  # go test separates with tabs, as the data file does
        if not f or not f[0].startswith("Benchmark") or len(f) < 4:
            continue
        name = re.sub(r"-\d+$", "", f[0])
        vals = f[2:]
        for v, unit in zip(vals[0::2], vals[1::2]):
            try:
                out[name][unit].append(float(v))
            except ValueError:
                pass
    return out


def main():
    rows = load(sys.argv[1])
    info = {k: v for k, v in (r[:2] for r in rows["info"])}
    skip = info.get("skip", "").split()
    missing = []
    summary = []

    print("docktutor performance — the figures of issue 6, measured side by side in one run")
    print()
    for key in ("date", "tree", "cpu", "kernel", "docker", "go", "load"):
        if key in info:
            print("  %-8s %s" % (key, info[key]))
    print("  (absolute times on a shared machine are noisy: the targets are ratios of runs made"
          " side by side, interleaved; raw numbers are shown for context)")

    # 1. First frame.
    print()
    print("1. First frame: `docktutor lesson multistage` vs the floor (.ci/perf.d/floor), in a"
          " %s pty" % info.get("pty", "120x40"))
    print("   %s" % info.get("frame_def", ""))
    frames = defaultdict(lambda: ([], []))
    for who, rendered, paint in rows["frame"]:
        frames[who][0].append(float(rendered))
        frames[who][1].append(float(paint))
    dt, fl = frames.get("docktutor"), frames.get("floor")
    if dt and fl and dt[0] and fl[0]:
        for name, (r, p) in (("docktutor", dt), ("floor", fl)):
            print("   %-10s median %s  min %s  max %s  (first paint: median %s)  n=%d" % (
                name, secs(med(r)), secs(min(r)), secs(max(r)), secs(med(p)), len(r)))
        ratio = med(dt[0]) / med(fl[0])
        print("   ratio of medians %.2f (of minimums %.2f)   target <= %.2f   %s" % (
            ratio, min(dt[0]) / min(fl[0]), TARGET_FRAME, verdict(ratio <= TARGET_FRAME)))
        summary.append(("first frame", "%.2fx" % ratio, ratio <= TARGET_FRAME))
    elif "frame" in skip:
        print("   skipped (PERF_SKIP)")
    else:
        print("   not measured: %s" % info.get("frame_error", "no runs"))
        missing.append("first frame")

    # 2. Build overhead.
    print()
    print("2. Build overhead: `docktutor build multistage --strategy S --builder B [--no-cache]`")
    print("   vs %s" % info.get("build_def", "docker build + image inspect + history + run --rm"))
    pairs = defaultdict(list)
    for cfg, _, dt_wall, dt_build, dk_wall, dk_build in rows["build"]:
        pairs[cfg].append(tuple(map(float, (dt_wall, dt_build, dk_wall, dk_build))))
    if "build" in skip:
        print("   skipped (PERF_SKIP)")
    elif "build_error" in info:
        print("   not measured: %s" % info["build_error"])
        missing.append("build overhead")
    for cfg in info.get("build_configs", "").split():
        builder, cache, strategy = cfg.split(":")
        target = TARGET_NOCACHE if cache == "nocache" else TARGET_CACHED
        ps = pairs.get(cfg, [])
        label = "%-8s %-10s %-17s" % (builder, "--no-cache" if cache == "nocache" else "cached", strategy)
        if not ps:
            why = info.get("build_skip_" + builder + "_" + cache, "no pair completed")
            print("   %s: not measured (%s)" % (label, why))
            missing.append("build overhead " + builder + " " + cache)
            continue
        ratio = med([p[0] / p[2] for p in ps])
        print("   %s  %d pairs: docktutor %s, docker %s (medians)  ratio %.3f (median of pairs)"
              "   target <= %.2f   %s" % (label, len(ps), secs(med([p[0] for p in ps])),
                                          secs(med([p[2] for p in ps])), ratio, target, verdict(ratio <= target)))
        print("   %s  build part: docktutor %s (its own timer, in --json) vs docker build %s"
              " (wall, incl. CLI start)" % (" " * len(label), secs(med([p[1] for p in ps])),
                                            secs(med([p[3] for p in ps]))))
        summary.append(("build " + builder + " " + ("--no-cache" if cache == "nocache" else "cached"),
                        "%.3fx" % ratio, ratio <= target))
    for note in (v for k, v in info.items() if k.startswith("build_note")):
        print("   note: %s" % note)

    # 3. Log throughput.
    print()
    print("3. Log throughput (Go benchmarks, -benchtime %s, -count %s; medians)" % (
        info.get("benchtime", "?"), info.get("count", "?")))
    b = bench_metrics(rows["bench"])

    def metric(name, unit):
        return med(b.get(name, {}).get(unit, []))

    e2e = metric("BenchmarkStreamToModel", "lines/s")
    e2e_cpu = metric("BenchmarkStreamToModel", "lines/cpu-s")
    if e2e is not None:
        print("   daemon bytes -> decoder -> batch -> model, end to end (ui.BenchmarkStreamToModel):")
        print("     %s lines/s wall, %s lines per CPU-second   target >= %s   %s" % (
            fmt(e2e), fmt(e2e_cpu), fmt(TARGET_LINES), verdict(e2e >= TARGET_LINES)))
        dec = {n: metric("Benchmark" + n, "lines/s") for n in ("DecodeLegacy", "DecodeBuildKit", "DecodeBuildKitLineByLine")}
        print("   decoder alone (engine.BenchmarkDecode*): legacy %s, BuildKit %s, BuildKit one line a"
              " message %s lines/s" % tuple(fmt(dec[n]) for n in dec))
        ev = {n: (metric("BenchmarkEventsToModel/batch=" + n, "lines/s"),
                  metric("BenchmarkEventsToModel/batch=" + n, "lines/cpu-s")) for n in ("4096", "64", "1")}
        print("   event -> model alone (ui.BenchmarkEventsToModel): batches of 4096 %s, of 64 %s,"
              " of 1 %s lines/s" % tuple(fmt(ev[n][0]) for n in ev))
        if dec["DecodeLegacy"] and ev["4096"][0]:
            serial = 1 / (1 / dec["DecodeLegacy"] + 1 / ev["4096"][0])
            print("   both halves on one core, one after the other (legacy): %s lines/s" % fmt(serial))
        summary.append(("log throughput", fmt(e2e) + " lines/s", e2e >= TARGET_LINES))
    elif "log" in skip:
        print("   skipped (PERF_SKIP)")
    else:
        print("   not measured: %s" % info.get("bench_error", "no benchmark output"))
        missing.append("log throughput")
    before = metric("BenchmarkLogMillionLines", "heap-before-MB")
    after = metric("BenchmarkLogMillionLines", "heap-after-MB")
    growth = metric("BenchmarkLogMillionLines", "heap-growth-MB")
    if growth is not None:
        ok = growth <= TARGET_GROWTH_MB
        print("   memory over 1,000,000 lines (ui.BenchmarkLogMillionLines): live heap %.2f MB before,"
              " %.2f MB after (%+.3f MB)   target flat (< %.0f MB)   %s" % (
                  before, after, growth, TARGET_GROWTH_MB, verdict(ok)))
        summary.append(("log memory", "%+.3f MB" % growth, ok))
    elif "log" not in skip:
        missing.append("log memory")

    # 4. Memory.
    print()
    print("4. Memory: peak RSS of `docktutor lesson multistage` in a pty: open, B (build all six),"
          " wait for the last, q")
    mem = {k: v for k, v in (r[:2] for r in rows["mem"])}
    rss_kb = mem.get("maxrss_kb") or mem.get("vmhwm_kb")
    if rss_kb:
        mb = int(rss_kb) * 1024 / 1e6
        src = "/usr/bin/time -v, Maximum resident set size" if mem.get("maxrss_kb") else "VmHWM"
        print("   %.1f MB (%.1f MiB; %s)%s, session %s   target <= %.0f MB   %s" % (
            mb, int(rss_kb) / 1024, src,
            ("; VmHWM just before q: %.1f MB" % (int(mem["vmhwm_kb"]) * 1024 / 1e6)) if mem.get("vmhwm_kb") else "",
            mem.get("session", "?"), TARGET_RSS_MB, verdict(mb <= TARGET_RSS_MB)))
        summary.append(("memory", "%.1f MB" % mb, mb <= TARGET_RSS_MB))
    elif "memory" in skip:
        print("   skipped (PERF_SKIP)")
    else:
        print("   not measured: %s" % mem.get("error", "no run"))
        missing.append("memory")

    # Rendering, for information.
    print()
    print("For information — drawing (median ns/op, allocs/op):")
    for name in sorted(b):
        if name.startswith(("BenchmarkRender", "BenchmarkLessonScreen", "BenchmarkLessonText")):
            print("   %-58s %12s ns/op %8s allocs/op" % (
                name[len("Benchmark"):], fmt(metric(name, "ns/op")), fmt(metric(name, "allocs/op"))))

    print()
    print("Summary:")
    for what, fig, ok in summary:
        print("   %-26s %-18s %s" % (what, fig, verdict(ok)))
    for what in missing:
        print("   %-26s %-18s %s" % (what, "-", "NOT MEASURED"))
    return 3 if missing else 0


def fmt(x):
    if x is None:
        return "-"
    if x >= 100:
        return "{:,.0f}".format(x)
    return "%.3g" % x


if __name__ == "__main__":
    sys.exit(main())
