"""Load the indicator catalog (disaggregations, data elements, indicators) from YAML."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.datafile import DataError, DataFile, DataFileError, read_data_file, set_related, upsert
from indicators.models import DataElement, Disaggregation, Indicator

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "catalog.schema.json"


@dataclass
class CatalogResult:
    """What a load did: rows per model, and how many rows were created or changed."""

    version: str
    counts: dict[str, int] = field(default_factory=dict)
    written: int = 0


def load_catalog(path: Path | str) -> CatalogResult:
    """Validate the whole file, then upsert every row in one transaction."""
    doc = read_catalog(path)
    with transaction.atomic():
        return write_catalog(doc.data)


def read_catalog(path: Path | str) -> DataFile:
    """Schema and cross-reference checks; raise DataFileError, write nothing."""
    doc = read_data_file(path, SCHEMA_PATH)
    errors = check_references(doc)
    if errors:
        raise DataFileError(doc.path, errors)
    return doc


# --- cross-reference checks ----------------------------------------------------------------


def check_references(doc: DataFile) -> list[DataError]:
    data = doc.data
    errors = _duplicates(doc, "disaggregations", lambda d: (d["dimension"], d["code"]))
    errors += _duplicates(doc, "data_elements", lambda e: e["code"])
    errors += _duplicates(doc, "indicators", lambda i: i["code"])
    options = {(d["dimension"], d["code"]) for d in data["disaggregations"]}
    for i, element in enumerate(data["data_elements"]):
        errors += _element_options(doc, i, element, options)
    elements = {e["code"]: e for e in data["data_elements"]}
    for i, indicator in enumerate(data["indicators"]):
        errors += _indicator_terms(doc, i, indicator, elements)
    return errors


def _duplicates(doc: DataFile, key: str, natural_key: Any) -> list[DataError]:
    items = doc.data[key]
    counts = Counter(natural_key(item) for item in items)
    return [
        doc.error(
            f"/{key}/{i}", _("code '%(code)s' is repeated") % {"code": _show(natural_key(item))}
        )
        for i, item in enumerate(items)
        if counts[natural_key(item)] > 1
    ]


def _show(key: Any) -> str:
    return "/".join(key) if isinstance(key, tuple) else str(key)


def _element_options(doc: DataFile, i: int, element: dict, options: set) -> list[DataError]:
    errors = []
    for dimension, codes in element.get("disaggregations", {}).items():
        for j, code in enumerate(codes):
            if (dimension, code) not in options:
                pointer = f"/data_elements/{i}/disaggregations/{dimension}/{j}"
                message = _("disaggregation '%(option)s' is not declared") % {
                    "option": f"{dimension}/{code}"
                }
                errors.append(doc.error(pointer, message))
    return errors


def _indicator_terms(doc: DataFile, i: int, indicator: dict, elements: dict) -> list[DataError]:
    errors = []
    kind = indicator.get("kind", Indicator.Kind.RATIO)
    for side in ("numerator", "denominator"):
        term = indicator.get(side)
        if term is None:
            continue
        pointer = f"/indicators/{i}/{side}"
        element = elements.get(term["element"])
        if element is None:
            message = _("data element '%(code)s' is not in the catalog") % {"code": term["element"]}
            errors.append(doc.error(f"{pointer}/element", message))
            continue
        errors += _term_options(doc, pointer, term, element)
        errors += _kind_fits(doc, pointer, kind, element)
    return errors


def _term_options(doc: DataFile, pointer: str, term: dict, element: dict) -> list[DataError]:
    errors = []
    declared = element.get("disaggregations", {})
    for dimension in ("sex", "age_band"):
        code = term.get(dimension)
        if code is not None and code not in declared.get(dimension, []):
            message = _(
                "data element '%(element)s' has no %(dimension)s disaggregation '%(code)s'"
            ) % {"element": element["code"], "dimension": dimension, "code": code}
            errors.append(doc.error(f"{pointer}/{dimension}", message))
    return errors


def _kind_fits(doc: DataFile, pointer: str, kind: str, element: dict) -> list[DataError]:
    if kind == Indicator.Kind.PARITY and not element.get("disaggregations", {}).get("sex"):
        message = _(
            "a gender parity indicator needs data element '%(element)s' disaggregated by sex"
        ) % {"element": element["code"]}
        return [doc.error(f"{pointer}/element", message)]
    is_level = element.get("value_type") == DataElement.ValueType.LEVEL
    if is_level and element.get("disaggregations"):
        # A level is one value per unit and year; communes are counted on it in SQL.
        message = _(
            "data element '%(element)s' holds a level, one value per unit: it cannot be "
            "disaggregated"
        ) % {"element": element["code"]}
        return [doc.error(f"{pointer}/element", message)]
    if (kind == Indicator.Kind.LEVEL) != is_level:
        message = _(
            "indicator kind '%(kind)s' does not match the value type of data element '%(element)s'"
        ) % {"kind": kind, "element": element["code"]}
        return [doc.error(f"{pointer}/element", message)]
    return []


# --- writing -------------------------------------------------------------------------------


def write_catalog(data: dict) -> CatalogResult:
    result = CatalogResult(version=data["version"])
    options = {}
    for item in data["disaggregations"]:
        row, changed = upsert(
            Disaggregation,
            {"dimension": item["dimension"], "code": item["code"]},
            {"name": item["name"], "order": item.get("order", 0)},
        )
        options[(row.dimension, row.code)] = row.pk
        result.written += changed
    elements = {}
    for item in data["data_elements"]:
        row, changed = _write_element(item, options)
        elements[row.code] = row.pk
        result.written += changed
    for item in data["indicators"]:
        result.written += upsert(
            Indicator, {"code": item["code"]}, _indicator_values(item, elements)
        )[1]
    result.counts = {
        "disaggregations": len(options),
        "data_elements": len(elements),
        "indicators": len(data["indicators"]),
    }
    return result


def _write_element(item: dict, options: dict) -> tuple[DataElement, bool]:
    row, changed = upsert(
        DataElement,
        {"code": item["code"]},
        {
            "name": item["name"],
            "description": item.get("description", ""),
            "value_type": item.get("value_type", DataElement.ValueType.COUNT),
            "aggregation": item.get("aggregation", DataElement.Aggregation.SUM),
            "unit_of_measure": item.get("unit_of_measure", ""),
        },
    )
    wanted = {
        options[(dimension, code)]
        for dimension, codes in item.get("disaggregations", {}).items()
        for code in codes
    }
    return row, set_related(row.disaggregations, wanted) or changed


def _indicator_values(item: dict, elements: dict[str, int]) -> dict[str, Any]:
    numerator, denominator = item["numerator"], item.get("denominator") or {}
    return {
        "name": item["name"],
        "kind": item.get("kind", Indicator.Kind.RATIO),
        "numerator_id": elements[numerator["element"]],
        "numerator_sex": numerator.get("sex", ""),
        "numerator_age_band": numerator.get("age_band", ""),
        "denominator_id": elements.get(denominator.get("element")),
        "denominator_sex": denominator.get("sex", ""),
        "denominator_age_band": denominator.get("age_band", ""),
        "factor": Decimal(str(item.get("factor", 100))),
        "unit_label": item.get("unit_label", "%"),
        "decimals": item.get("decimals", 1),
        "description": item.get("description", ""),
    }
