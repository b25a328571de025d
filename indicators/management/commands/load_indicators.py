"""`manage.py load_indicators <file>`: validate and load the indicator catalog."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.datafile import DataFileError
from indicators.catalog import load_catalog


class Command(BaseCommand):
    help = "Nạp danh mục phân tổ, phần tử dữ liệu và chỉ số từ tệp YAML."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="Tệp danh mục, vd. data/indicators/learning-society.yaml")

    def handle(self, *args, path: str, **options) -> None:
        try:
            result = load_catalog(path)
        except DataFileError as exc:
            for line in exc.lines():
                self.stderr.write(line)
            raise CommandError(
                f"{path}: {len(exc.errors)} lỗi; không ghi gì vào cơ sở dữ liệu."
            ) from exc
        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp danh mục phiên bản {result.version}: "
                f"{counts['disaggregations']} phân tổ, {counts['data_elements']} phần tử dữ liệu, "
                f"{counts['indicators']} chỉ số; {result.written} dòng được tạo mới hoặc thay đổi."
            )
        )
