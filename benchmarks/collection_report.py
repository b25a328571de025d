"""The collection benchmark's section of docs/benchmarks.md, from the workers' results."""

from __future__ import annotations

from pathlib import Path

AIM_IMPORT_S = 5.0


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def render_district(d: dict) -> list[str]:
    lines = [
        "### District import (huyện Cát Hải: 12 communes, 19 bodies)",
        "",
        "| template | rows × cells | file | import, median (min) | rows/s | cells/s "
        "| reading the file only | download (`write_template`) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in d["imports"]:
        median = r["import"]["median"]
        lines.append(
            f"| `{r['data_set']}` | {r['rows']} × {r['cells'] // r['rows']} = {r['cells']} "
            f"| {r['bytes'] / 1024:.0f} kB | {_ms(median)} ({_ms(r['import']['min'])}) "
            f"| {r['rows'] / median:,.0f} | {r['cells'] / median:,.0f} "
            f"| {_ms(r['read_only']['median'])} | {_ms(r['download']['median'])} |"
        )
    total = sum(r["import"]["median"] for r in d["imports"])
    queries = ", ".join(f"{r['import']['queries']}" for r in d["imports"])
    lines += [
        "",
        f"- Both imports together: {_ms(total)}; aim under {AIM_IMPORT_S:.0f} s: "
        f"{'met' if total < AIM_IMPORT_S else 'NOT met'}. SQL queries per import (warm-up): "
        f"{queries}. Rows saved per import: "
        + "; ".join(f"{r['data_set']} {r['saved_rows']}" for r in d["imports"])
        + f"; rows with rule problems: {sum(r['with_problems'] for r in d['imports'])}.",
        f"- After the last import, {d['check']['entries_stored']} of "
        f"{d['check']['entries_expected']} cells stored: {'yes' if d['check']['ok'] else 'NO'}. "
        f"Round of {d['forms']} forms (4 data sets); load average at start {d['loadavg']}.",
    ]
    return lines


def render_burst(b: dict) -> list[str]:
    ref, burst = b["reference"], b["burst"]
    lines = [
        f"### National burst: {b['communes']:,} communes submit through the API",
        "",
        f"Server: {b['server']}, on 127.0.0.1, DEBUG off; {b['clients']} keep-alive clients. "
        f"{b['units']:,} units built in {b['build_s']:.1f} s; "
        f"`open_round` created the {b['communes']:,} submissions in {b['open_s']:.2f} s. "
        f"Load average at start {b['loadavg']}.",
        "",
        "| burst | requests | wall time | throughput | request | median | p95 | errors |",
        "|---|--:|--:|--:|---|--:|--:|--:|",
    ]
    ref_kind = ref["kinds"]["GET units"]
    lines.append(
        f"| reference: `GET /api/v1/units/` | {ref['count']:,} | {ref['wall']:.1f} s "
        f"| {ref['per_s']:,.0f} req/s | GET units | {_ms(ref_kind['median'])} "
        f"| {_ms(ref_kind['p95'])} | {sum(ref['errors'].values())} |"
    )
    requests = sum(k["n"] for k in burst["kinds"].values())
    for i, (kind, k) in enumerate(burst["kinds"].items()):
        head = (f"| forms: GET, PUT entries, POST submit | {requests:,} | {burst['wall']:.1f} s "
                f"| {burst['per_s']:,.1f} forms/s |") if i == 0 else "| | | | |"  # fmt: skip
        errors = sum(n for e, n in burst["errors"].items() if e.startswith(kind))
        lines.append(f"{head} {kind} | {_ms(k['median'])} | {_ms(k['p95'])} | {errors} |")
    c = b["check"]
    lines += [
        "",
        f"- Errors: {burst['errors'] or 'none'}. Afterwards in the database: "
        f"{c['complete']:,} of {c['forms']:,} forms `submitted` with all {c['cells']} cells "
        f"({c['entries']:,} entries; statuses {c['statuses']}): {'yes' if c['ok'] else 'NO'}.",
    ]
    if "provisional" in b:
        lines += render_provisional(b["provisional"])
    return lines


def render_provisional(p: dict) -> list[str]:
    """The nation's dashboard after the burst: official, the waiting count, provisional."""
    official = p["official_s"]
    provisional = p["overlay_s"] + p["provisional_s"]
    return [
        "",
        f"**Provisional figures after the burst** (the nation's dashboard for the round's "
        f"year, {p['targets']} targets, every form submitted and none approved; medians of "
        f"{p['repeat']}):",
        "",
        "| step | time | × official |",
        "|---|--:|--:|",
        f"| official figures (`evaluate_targets`, the reference) | {_ms(official)} | 1.0 |",
        f"| count of forms awaiting approval ({p['forms_waiting']:,}; every page) "
        f"| {_ms(p['count_s'])} | {p['count_s'] / official:.2f} |",
        f"| provisional: read the {p['pending']:,} pending values | {_ms(p['overlay_s'])} "
        f"| {p['overlay_s'] / official:.1f} |",
        f"| provisional: figures over them ({p['touched']} targets touched) "
        f"| {_ms(p['provisional_s'])} | {p['provisional_s'] / official:.1f} |",
        f"| provisional, in all | {_ms(provisional)} | {provisional / official:.1f} |",
    ]


def render(results: dict, command: str, machine: str) -> str:
    any_result = next(iter(results.values()))
    pg = any_result["postgres"]
    lines = [
        "## Data collection (issue 4, PostgreSQL)",
        "",
        f"Command: `{command}`; {machine}, PostgreSQL {pg // 10000}.{pg % 10000}.",
        "",
    ]
    if "district" in results:
        lines += render_district(results["district"]) + [""]
    if "burst" in results:
        lines += render_burst(results["burst"])
    return "\n".join(lines).rstrip()


def write(doc: Path, section: str, start: str, end: str) -> None:
    text = doc.read_text()
    if start not in text:
        text = text.rstrip() + f"\n\n{start}\n{end}\n"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    doc.write_text(f"{head}{start}\n{section}\n{end}{tail}")
