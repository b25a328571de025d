"""`manage.py load_demo [FILE]`: units, catalog, plan, periods, synthetic values and demo users."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from core.datafile import DataFileError
from indicators.demo import (
    DemoSpecError,
    ensure_year_periods,
    generate,
    indicator_terms,
    read_spec,
    resolve_selectors,
    write_figures,
)
from plans.models import Target
from units.codes import resolve, resolve_many, year_end
from units.models import Membership, OrgUnit

DEFAULT_FILE = Path(settings.BASE_DIR) / "data" / "demo" / "cat-hai-demo.yaml"
# The plans above the demo's plan (it names them) load before it, top down; plans of other
# cycles after it, so the demo plan's rows keep their ids.
LOADERS = (
    ("load_units", "units"),
    ("load_indicators", "indicators"),
    ("load_plan", "plans_above"),
    ("load_plan", "plan"),
    ("load_plan", "plans_beside"),
)
# In both languages, like the settings' refusal: it is read by whoever runs the server.
DEMO_REFUSED = (
    "Không nạp dữ liệu minh họa: DEBUG và XHHT_DEMO đều tắt, tức là máy chủ thật. Bản minh họa "
    "tạo các tài khoản có mật khẩu công khai (admin / xhht-demo-2020). Nếu đây chỉ là bản thử, "
    "đặt XHHT_DEMO=true hoặc thêm --i-know-this-is-not-production. / "
    "Demo not loaded: DEBUG and XHHT_DEMO are both off, so this is a real server. The demo "
    "creates accounts whose password is public (admin / xhht-demo-2020). If this is only a "
    "trial, set XHHT_DEMO=true or add --i-know-this-is-not-production."
)


class Command(BaseCommand):
    help = _("Load the demo instance: units, indicators, plan, periods, synthetic values, users.")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            default=str(DEFAULT_FILE),
            help=_("Demo file, e.g. data/demo/cat-hai-demo.yaml"),
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Do nothing if the database already holds any unit."),
        )
        parser.add_argument(
            "--i-know-this-is-not-production",
            action="store_true",
            dest="not_production",
            help=_(
                "Load the demo although neither DEBUG nor XHHT_DEMO is set. The demo creates "
                "accounts whose password is public."
            ),
        )

    def handle(self, *args, path: str, if_empty: bool, not_production: bool, **options) -> None:
        if not (settings.DEBUG or settings.XHHT_DEMO or not_production):
            # A production database must never get accounts whose password is in the README.
            raise CommandError(DEMO_REFUSED)
        if if_empty and OrgUnit.objects.exists():
            self.stdout.write(_("The database already holds units; the demo was not loaded."))
            return
        try:
            spec = read_spec(path).data
            with transaction.atomic():
                result = self._load(spec, options["verbosity"])
        except DataFileError as exc:
            for line in exc.lines():
                self.stderr.write(line)
            raise CommandError(_("Demo not loaded; nothing was written.")) from exc
        except DemoSpecError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        msg = _(
            "Demo loaded: %(created)d values created, %(updated)d updated, "
            "%(kept)d entered values kept; %(users)d demo accounts."
        )
        self.stdout.write(self.style.SUCCESS(msg % result))

    def _load(self, spec: Mapping, verbosity: int) -> dict[str, int]:
        for command, key in LOADERS:
            names = spec["files"].get(key, [])
            for name in [names] if isinstance(names, str) else names:
                file = Path(settings.BASE_DIR) / name
                call_command(command, str(file), stdout=self.stdout, verbosity=verbosity)
            if key == "units" and spec.get("national_map"):
                # The whole map of Việt Nam before and after 1 July 2025 (docs/map-data.md),
                # after the demo's own units: it adds the other provinces and communes.
                call_command("load_map", stdout=self.stdout, verbosity=verbosity)
        used = set(
            Target.objects.filter(plan__code=spec["plan"]).values_list("indicator__code", flat=True)
        )
        if not used:
            raise DemoSpecError(_("Plan %(code)s has no targets") % {"code": spec["plan"]})
        # The demo's unit codes are read on its last year's end: 11914 is thị trấn Cát Bà
        # then, đặc khu Cát Hải from 01/07/2025 (units/codes.py).
        day = year_end(max(spec["years"]))
        selected = resolve_selectors(spec["selectors"], day)
        terms = indicator_terms()
        figures = generate(spec, selected, terms, used)
        result = write_figures(figures, ensure_year_periods(spec["years"]), day)
        for phase in spec.get("phases", []):
            written = self._load_phase(phase, spec, terms)
            result = {key: result[key] + written[key] for key in result}
        result["users"] = ensure_users(spec["users"], selected, day)
        if "register" in spec:
            from universalization.demo import load_demo_register

            load_demo_register(spec["register"], spec["sizes"], spec["seed"])
        if "collection" in spec:
            self._load_collection(spec["collection"], selected, spec["seed"], verbosity)
        if "recognition" in spec:
            self._load_recognition(spec["recognition"], selected)
        return result

    def _load_phase(self, phase: Mapping, spec: Mapping, terms: Mapping) -> dict[str, int]:
        """Figures of later years on the units standing at the end of the phase's last year
        (a year's figure belongs to the units of the map at its end): the same generator,
        the same seed, its own units."""
        day = year_end(max(phase["years"]))
        selected = resolve_selectors(phase["selectors"], day)
        sizes = phase.get("sizes", spec.get("sizes", {}))
        figures = generate({**phase, "seed": spec["seed"], "sizes": sizes}, selected, terms, ())
        written = write_figures(figures, ensure_year_periods(phase["years"]), day)
        message = _("Demo figures of %(years)s (%(name)s): %(created)d values created.")
        first, last = min(phase["years"]), max(phase["years"])
        years = str(first) if first == last else f"{first}–{last}"
        self.stdout.write(message % {"years": years, "name": phase["name"], **written})
        return written

    def _load_recognition(self, spec: Mapping, selected: Mapping) -> None:
        """Criteria sets, village tallies, and applications carried through the procedure by
        the demo accounts (recognition/demo.py)."""
        from recognition.demo import load_demo_recognition

        loaded = load_demo_recognition(spec, selected)
        message = _("Recognition: %(tallies)d tally rows, %(applications)d applications.")
        self.stdout.write(message % loaded)

    def _load_collection(self, spec: Mapping, selected: Mapping, seed: str, verbosity: int) -> None:
        """The data sets, then a reporting round with forms in each state (collection/demo.py)."""
        from collection.demo import load_demo_round

        file = Path(settings.BASE_DIR) / spec["file"]
        call_command("load_datasets", str(file), stdout=self.stdout, verbosity=verbosity)
        opened = load_demo_round(spec, selected, seed)
        if opened is None:
            message = _("Reporting round %(code)s already exists; it was left as it is.")
            self.stdout.write(message % {"code": spec["code"]})
            return
        message = _("Reporting round “%(name)s” opened: %(forms)d forms due.")
        self.stdout.write(message % {"name": opened["round"].name, "forms": opened["forms"]})


def ensure_users(users: Mapping, selected: Mapping[str, list[str]], day=None) -> int:
    """Create the demo accounts and their memberships; leave them as they are if they match."""
    count = 0
    for account in users["accounts"]:
        for unit in _account_units(account, selected, day):
            context = {"code": unit.code, "name": unit.name} if unit is not None else {}
            try:
                username = account["username"].format_map(context)
                name = account.get("name", "").format_map(context)
            except KeyError as exc:
                raise DemoSpecError(_("Bad placeholder in account %(u)s") % {"u": account}) from exc
            user = _ensure_user(username, name, account.get("superuser", False), users["password"])
            if unit is not None:
                Membership.objects.get_or_create(user=user, unit=unit, role=account["role"])
            count += 1
    return count


def _account_units(account: Mapping, selected: Mapping[str, list[str]], day) -> list:
    if ("unit" in account or "units" in account) != ("role" in account):
        raise DemoSpecError(_("Account %(u)s needs both a role and a unit") % {"u": account})
    if "units" in account:
        if account["units"] not in selected:
            raise DemoSpecError(_("Unknown unit selector %(name)s") % {"name": account["units"]})
        units = resolve_many(selected[account["units"]], day).values()
        return sorted(units, key=lambda u: u.code)
    if "unit" in account:
        unit = resolve(account["unit"], day)
        if unit is None:
            raise DemoSpecError(_("Unknown unit %(code)s") % {"code": account["unit"]})
        return [unit]
    return [None]


def _ensure_user(username: str, name: str, superuser: bool, password: str):
    user, created = get_user_model().objects.get_or_create(username=username)
    wanted = {"first_name": name, "is_superuser": superuser, "is_staff": superuser}
    changed = [field for field, value in wanted.items() if getattr(user, field) != value]
    for field in changed:
        setattr(user, field, wanted[field])
    if created or not user.check_password(password):
        user.set_password(password)
        changed.append("password")
    if changed:
        user.save()
    return user
