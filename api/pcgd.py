"""The PCGD-XMC routes of the API: a unit's standards (the engine's JSON) and a commune's persons.

Both read through universalization.queries, the engine the pages use. Scope as everywhere:
a unit outside the user's scope answers 404. Every list of persons writes a PersonAccess row.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api import filters
from api.views import Scoped, _param
from units.access import get_unit_or_404
from units.models import OrgUnit
from universalization.exchange import PERSON_COLUMNS
from universalization.models import Person, PersonAccess
from universalization.queries import (
    COMMUNE_LEVEL,
    current_rules,
    persons_behind,
    unit_standards,
)
from universalization.services import record_person_access
from universalization.standards import Status, as_json

STATUSES = [str(s) for s in Status]
FALSE_WORDS = frozenset({"0", "false", "no", "off"})

# --- serializers ------------------------------------------------------------------------


class RateCountSerializer(serializers.Serializer):
    num = serializers.IntegerField(help_text="Persons of the cohort who meet the rate")
    den = serializers.IntegerField(help_text="Persons of the cohort")


class StandardSerializer(serializers.Serializer):
    levels = serializers.DictField(
        child=serializers.ChoiceField(STATUSES), help_text="Each level's status, by level"
    )
    level = serializers.IntegerField(help_text="The highest level met, 0 if none")
    rates = serializers.DictField(child=RateCountSerializer(), help_text="Each rate, by name")


class DistrictLevelSerializer(serializers.Serializer):
    met = serializers.IntegerField(help_text="Communes that meet the level")
    of = serializers.IntegerField(help_text="Communes counted")
    status = serializers.ChoiceField(STATUSES)


class RuleSetRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.CharField()


class StandardsSerializer(serializers.Serializer):
    """The JSON of `pcgd_standards` (exchange shape), plus the rule set that produced it."""

    year = serializers.IntegerField()
    rule_set = RuleSetRefSerializer()
    communes = serializers.DictField(
        child=serializers.DictField(child=StandardSerializer()),
        help_text="By commune code, then by standard (preschool5, primary, lower_secondary, "
        "literacy)",
    )
    districts = serializers.DictField(
        child=serializers.DictField(child=serializers.DictField(child=DistrictLevelSerializer())),
        help_text="By code of the unit directly above the communes, then standard, then level",
    )


class ExchangeChoice(serializers.ChoiceField):
    """A value of one of the exchange format's lists; unknown (empty) is null."""

    def __init__(self, choices, **kwargs) -> None:
        super().__init__(choices, allow_null=True, read_only=True, **kwargs)

    def to_representation(self, value):
        if value is True or value is False:
            return "yes" if value else "no"
        return value or None


class PersonSerializer(serializers.ModelSerializer):
    """A person with the columns of the exchange format (docs/pcgd-xmc.md); null is unknown."""

    commune_code = serializers.CharField(source="commune.code", read_only=True)
    household_id = serializers.CharField(source="household.code", read_only=True)
    person_id = serializers.CharField(source="code", read_only=True)
    sex = ExchangeChoice(Person.Sex.values)
    residence = ExchangeChoice(Person.Residence.values)
    disability = ExchangeChoice(Person.Disability.values)
    studying = ExchangeChoice(Person.Studying.values)
    preschool_completed = ExchangeChoice(["yes", "no"])

    class Meta:
        model = Person
        fields = list(PERSON_COLUMNS)


# --- views ------------------------------------------------------------------------------


@extend_schema(
    summary="PCGD-XMC standards of the communes of a unit, and of the units above them",
    parameters=[
        _param("unit", str, "Code of a unit: its communes are evaluated", required=True),
        _param("year", int, "The evaluation year (age = year - birth year)", required=True),
    ],
    responses=StandardsSerializer,
)
class StandardsView(Scoped, generics.GenericAPIView):
    """Each commune's status per standard and level with every rate's count, then each
    district's communes met and counted: the JSON of `pcgd_standards`, from the register."""

    serializer_class = StandardsSerializer
    pagination_class = None

    def get(self, request, *args, **kwargs) -> Response:
        params = filters.require(request, "unit", "year")
        year = filters.as_year("year", params["year"])
        unit = get_unit_or_404(request.user, params["unit"])
        rules = current_rules()
        # The same function as the PCGD page (universalization.views.standards).
        evaluation = unit_standards(unit, year, rules).evaluation
        payload = as_json(evaluation) | {"rule_set": {"code": rules.code, "version": rules.version}}
        return Response(self.get_serializer(payload).data)


@extend_schema(
    summary="Persons of a commune's PCGD-XMC register (personal data: every call is audited)",
    parameters=[
        _param("commune", str, "Code of the commune", required=True),
        _param("rate", str, "Only the cohort of this rate (a rate code of the rule set)"),
        _param("meeting", bool, "With rate: true (default) those who meet it, false the others"),
        _param("year", int, "With rate: the evaluation year (required then)"),
    ],
)
class PersonList(Scoped, generics.ListAPIView):
    """All persons of the commune, or those behind one rate (counted in it or missing from
    it), ordered by household and person id."""

    serializer_class = PersonSerializer
    queryset = Person.objects.none()

    def rows(self) -> QuerySet[Person]:
        params = filters.require(self.request, "commune")
        self.commune = commune_or_404(self.request.user, params["commune"])
        self.what = f"api pcgd/persons commune={self.commune.code}"
        rate = self.request.query_params.get("rate", "").strip()
        if not rate:
            persons = Person.objects.filter(commune=self.commune).select_related("household")
            return persons.select_related("commune").order_by("household__code", "code")
        year = filters.as_year("year", filters.require(self.request, "year")["year"])
        rules = current_rules()
        if rate not in rules.rates:
            message = _("No rate “%(rate)s” in the rule set.") % {"rate": rate}
            raise ValidationError({"rate": [message]})
        meeting = meeting_flag(self.request)
        self.what += f" rate={rate} meeting={str(meeting).lower()} year={year}"
        persons = persons_behind(self.commune, year, rate, meeting=meeting, rules=rules)
        return persons.select_related("commune")

    def list(self, request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        rows = response.data["results"] if isinstance(response.data, dict) else response.data
        page = request.query_params.get("page", "1")
        what = f"{self.what} page={page}"
        record_person_access(request.user, self.commune, PersonAccess.Action.LIST, what, len(rows))
        return response


def commune_or_404(user, code: str) -> OrgUnit:
    unit = get_unit_or_404(user, code)
    if unit.level is None or unit.level.code != COMMUNE_LEVEL:
        raise ValidationError({"commune": [_("This unit is not a commune.")]})
    return unit


def meeting_flag(request) -> bool:
    value = request.query_params.get("meeting", "").strip().lower()
    if value and value not in filters.TRUE_WORDS | FALSE_WORDS:
        message = _("The parameter “%(name)s” must be true or false.") % {"name": "meeting"}
        raise ValidationError({"meeting": [message]})
    return value not in FALSE_WORDS
