"""The API of submissions: read them, save their values, submit, approve, return, reopen.

Every write calls collection.services, like the forms: same scope, validation and version
check. A submission outside the user's scope answers 404 (as does a write the user's role
may not make); a stale version 409; values that are no number, or a refused step, 400.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api import filters
from api.views import Checked, Scoped, _param
from collection import services, validation
from collection.excel import number_text
from collection.forms_spec import FormSpec, form_spec
from collection.models import Submission
from collection.validation import Key, Problem
from core.numbers import NotANumber, NotStorable
from units.access import units_visible_to

# --- serializers ------------------------------------------------------------------------


class SubmissionSerializer(serializers.ModelSerializer):
    round = serializers.CharField(source="round.code", read_only=True)
    data_set = serializers.CharField(source="data_set.code", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    # Plain text, not an enum: "status" names other choice sets in the schema already.
    status = serializers.CharField(
        read_only=True, help_text="draft, submitted, returned or approved"
    )

    class Meta:
        model = Submission
        fields = ["id", "round", "data_set", "unit", "unit_name", "status", "version", "due_on",
                  "submitted_at", "comment"]  # fmt: skip
        read_only_fields = fields


class ValueSerializer(serializers.Serializer):
    element = serializers.CharField(help_text="Code of the data element")
    sex = serializers.CharField(required=False, allow_blank=True, default="")
    age_band = serializers.CharField(required=False, allow_blank=True, default="")
    value = serializers.JSONField(
        allow_null=True, help_text='A number, or text as typed ("1.234,5"); null or "" is empty'
    )
    explanation = serializers.CharField(required=False, allow_blank=True)


class ProblemSerializer(serializers.Serializer):
    element = serializers.CharField(allow_null=True)
    sex = serializers.CharField(allow_null=True)
    age_band = serializers.CharField(allow_null=True)
    severity = serializers.ChoiceField(["hard", "soft"])
    rule = serializers.CharField()
    message = serializers.CharField()


class SubmissionDetailSerializer(SubmissionSerializer):
    values = ValueSerializer(many=True, help_text="Every cell of the form; value null if empty")
    problems = ProblemSerializer(many=True, help_text="Rules the values break")

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "values", "problems"]


class EntriesSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version the client read")
    values = ValueSerializer(many=True)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The version the client read")


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField()


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    problems = ProblemSerializer(many=True, required=False)
    unreadable = ValueSerializer(many=True, required=False)
    fields = serializers.DictField(
        required=False, help_text="For a body that is not valid: each field with its errors"
    )


# --- helpers ----------------------------------------------------------------------------


def visible_submissions(user) -> QuerySet[Submission]:
    units = units_visible_to(user)
    return Submission.objects.filter(unit__in=units).select_related("round", "data_set", "unit")


def submission_or_404(user, pk: int) -> Submission:
    submission = visible_submissions(user).select_related("round__period").filter(pk=pk).first()
    if submission is None:
        raise Http404
    return submission


def _problem(problem: Problem) -> dict:
    element, sex, band = problem.key or (None, None, None)
    return {"element": element, "sex": sex, "age_band": band, "severity": problem.severity,
            "rule": problem.rule, "message": problem.message}  # fmt: skip


def detail(
    submission: Submission, problems: list[Problem] | None = None, spec: FormSpec | None = None
) -> dict:
    spec = spec or form_spec(submission.data_set)
    entries = {
        (e.element.code, e.sex, e.age_band): e for e in submission.entries.select_related("element")
    }
    values = []
    for cell in spec.cells:
        entry = entries.get(cell.key)
        element, sex, band = cell.key
        values.append({"element": element, "sex": sex, "age_band": band,
                       "value": entry.value if entry else None,
                       "explanation": entry.explanation if entry else ""})  # fmt: skip
    if problems is None:
        # The entries just read are the values to check: read the form once, not twice.
        current = {key: entry.value for key, entry in entries.items()}
        problems = services.problems_of(submission, current, spec)
    payload = SubmissionSerializer(submission).data
    return payload | {"values": values, "problems": [_problem(p) for p in problems]}


def valid_body(body: serializers.Serializer) -> dict:
    """The request's body, checked; otherwise a 400 refusal (the shape of every refusal here:
    a detail, then what is wrong) naming each field that is not valid."""
    if not body.is_valid():
        message = _("The request is not valid: nothing was saved.")
        raise ValidationError({"detail": message, "fields": body.errors})
    return body.validated_data


def refusal(refused: services.SubmissionRefused) -> Response:
    if isinstance(refused, services.NotAllowed):
        raise Http404
    code = status.HTTP_409_CONFLICT if refused.stale else status.HTTP_400_BAD_REQUEST
    body = {"detail": str(refused), "problems": [_problem(p) for p in refused.problems]}
    return Response(body, status=code)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, int | float):
        return number_text(Decimal(str(value)))
    return str(value)


def typed_values(rows: list[dict], spec: FormSpec):
    """{Key: text}, {Key: explanation} and the rows that are unknown or no number."""
    fields = {c.key: c.field for c in spec.cells}
    typed: dict[Key, str] = {}
    explanations: dict[Key, str] = {}
    bad = []
    for row in rows:
        key = (row["element"], row.get("sex") or "", row.get("age_band") or "")
        try:
            text = _as_text(row.get("value"))
            if key in fields:
                validation.parse_value(fields[key], text)
        except NotStorable as refused:
            bad.append(row | {"explanation": refused.message})
            continue
        except NotANumber:
            bad.append(row | {"explanation": _("not a number")})
            continue
        if key not in fields:
            bad.append(row | {"explanation": _("no such cell in this data set")})
            continue
        typed[key] = text
        if "explanation" in row:
            explanations[key] = row["explanation"]
    return typed, explanations, bad


# --- views ------------------------------------------------------------------------------


@extend_schema(
    summary="Submissions of a round that the user may see",
    parameters=[_param("round", str, "Code of the reporting round", required=True)],
)
class SubmissionList(Scoped, generics.ListAPIView):
    """What each unit owes in the round, its status and version, ordered by the tree."""

    serializer_class = SubmissionSerializer
    queryset = Submission.objects.none()

    def rows(self) -> QuerySet[Submission]:
        code = filters.require(self.request, "round")["round"]
        rows = visible_submissions(self.request.user).filter(round__code=code)
        return rows.order_by("unit__path", "data_set__code")


class SubmissionView(Checked, APIView):
    def done(self, read: Submission, changed: Submission) -> Response:
        """Answer with the submission the service changed, on the round, data set and unit the
        view read and checked already: no second read, no second scope check."""
        changed.round, changed.data_set, changed.unit = read.round, read.data_set, read.unit
        return Response(detail(changed))


class SubmissionDetail(SubmissionView):
    @extend_schema(summary="One submission: its values, problems, version and status",
                   responses=SubmissionDetailSerializer)  # fmt: skip
    def get(self, request, pk: int) -> Response:
        return Response(detail(submission_or_404(request.user, pk)))


class SubmissionEntries(SubmissionView):
    @extend_schema(
        summary="Save values of a draft or returned submission (all or none)",
        description="version: the one read; a newer one answers 409 and nothing is saved. "
        "Values that are no number answer 400 and nothing is saved. Values may break rules "
        "(the answer lists the problems): they block only the submission.",
        request=EntriesSerializer,
        responses={
            200: SubmissionDetailSerializer,
            400: RefusalSerializer,
            409: RefusalSerializer,
        },  # fmt: skip
    )
    def put(self, request, pk: int) -> Response:
        submission = submission_or_404(request.user, pk)
        body = EntriesSerializer(data=request.data)
        valid_body(body)
        spec = form_spec(submission.data_set)
        typed, explanations, bad = typed_values(body.validated_data["values"], spec)
        if bad:
            message = _("Nothing was saved: some values are no number or no cell of the form.")
            return Response({"detail": message, "unreadable": bad}, status=400)
        try:
            result = services.save_entries(
                submission, typed, explanations, actor=request.user,
                expected_version=body.validated_data["version"], spec=spec,
            )  # fmt: skip
        except services.SubmissionRefused as refused:
            return refusal(refused)
        return Response(detail(result.submission, result.problems, spec))


class SubmissionSubmit(SubmissionView):
    @extend_schema(summary="Submit to the office", request=VersionSerializer,
                   responses={200: SubmissionDetailSerializer, 400: RefusalSerializer,
                              409: RefusalSerializer})  # fmt: skip
    def post(self, request, pk: int) -> Response:
        submission = submission_or_404(request.user, pk)
        body = VersionSerializer(data=request.data)
        valid_body(body)
        try:
            done = services.submit(
                submission, actor=request.user, expected_version=body.validated_data.get("version")
            )
        except services.SubmissionRefused as refused:
            return refusal(refused)
        return self.done(submission, done)


class SubmissionApprove(SubmissionView):
    @extend_schema(summary="Approve a submitted submission (the office)", request=None,
                   responses={200: SubmissionDetailSerializer, 400: RefusalSerializer})  # fmt: skip
    def post(self, request, pk: int) -> Response:
        submission = submission_or_404(request.user, pk)
        try:
            done = services.approve(submission, actor=request.user)
        except services.SubmissionRefused as refused:
            return refusal(refused)
        return self.done(submission, done)


class SubmissionReturn(SubmissionView):
    @extend_schema(summary="Return a submitted submission with a comment (the office)",
                   request=CommentSerializer,
                   responses={200: SubmissionDetailSerializer, 400: RefusalSerializer})  # fmt: skip
    def post(self, request, pk: int) -> Response:
        submission = submission_or_404(request.user, pk)
        body = CommentSerializer(data=request.data)
        valid_body(body)
        try:
            done = services.return_submission(
                submission, actor=request.user, comment=body.validated_data["comment"]
            )
        except services.SubmissionRefused as refused:
            return refusal(refused)
        return self.done(submission, done)


class SubmissionReopen(SubmissionView):
    @extend_schema(summary="Reopen an approved submission with a reason (the office)",
                   request=ReasonSerializer,
                   responses={200: SubmissionDetailSerializer, 400: RefusalSerializer})  # fmt: skip
    def post(self, request, pk: int) -> Response:
        submission = submission_or_404(request.user, pk)
        body = ReasonSerializer(data=request.data)
        valid_body(body)
        try:
            done = services.reopen(
                submission, actor=request.user, reason=body.validated_data["reason"]
            )
        except services.SubmissionRefused as refused:
            return refusal(refused)
        return self.done(submission, done)
