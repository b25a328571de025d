"""The API's OpenAPI schema class: every operation also documents the errors it answers.

DRF answers 401 without credentials, 404 outside the user's scope (or for a page that does
not exist) and 400 for a query parameter that is missing or wrong; drf-spectacular documents only
the success. This adds the others, unless an operation declares its own (the submissions'
refusals), so that a client, and schemathesis in the suite, can rely on every answer.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in the user's language")


# DRF's ValidationError of a query parameter: {"year": ["…"]}, each parameter with its messages.
PARAMETER_ERRORS = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "description": "Each parameter that is missing or not valid, with its messages",
}

UNAUTHORIZED = OpenApiResponse(
    ErrorSerializer, description="No credentials, or a token or session that is not valid"
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="The object or unit does not exist or is outside the user's scope, "
    "or the page does not exist",
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="A write made with a session but without its CSRF token"
)
BAD_PARAMETERS = OpenApiResponse(
    PARAMETER_ERRORS, description="A query parameter is missing or not valid"
)


class ApiSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {"401": UNAUTHORIZED, "404": NOT_FOUND}
        if getattr(self.view, "checks_parameters", False):  # api.views.Scoped
            errors["400"] = BAD_PARAMETERS
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            errors["403"] = FORBIDDEN
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, None, direction)
        return responses
