"""`manage.py load_plan <file>`: validate a plan's YAML file and load it, all or nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.datafile import DataFileError
from plans.loader import load_plan_file, read_plan

COUNT_LABELS = {
    "references": "văn bản liên quan",
    "statements": "đoạn nội dung",
    "objective_groups": "nhóm mục tiêu",
    "targets": "chỉ tiêu",
    "task_groups": "nhóm nhiệm vụ",
    "tasks": "nhiệm vụ",
    "budget_sources": "nguồn kinh phí",
    "clauses": "khoản trách nhiệm",
    "duties": "nhiệm vụ được giao",
}


class Command(BaseCommand):
    help = "Kiểm tra và nạp một kế hoạch từ tệp YAML (thay thế kế hoạch cùng mã nếu đã có)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="Tệp kế hoạch, vd. data/plans/08-KH-BCD-2020-cat-hai.yaml")
        parser.add_argument(
            "--check", action="store_true", help="Chỉ kiểm tra tệp, không ghi vào cơ sở dữ liệu."
        )

    def handle(self, *args, path: str, check: bool, **options) -> None:
        try:
            if check:
                read_plan(path)
                self.stdout.write(self.style.SUCCESS(f"{path}: hợp lệ."))
                return
            result = load_plan_file(path)
        except DataFileError as exc:
            for line in exc.lines():
                self.stderr.write(line)
            raise CommandError(
                f"{path}: {len(exc.errors)} lỗi; không ghi gì vào cơ sở dữ liệu."
            ) from exc
        counts = ", ".join(f"{n} {COUNT_LABELS[k]}" for k, n in result.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp kế hoạch {result.plan.number} ({result.plan.code}): {counts}; "
                f"{result.written} dòng được tạo mới, thay đổi hoặc xóa."
            )
        )
