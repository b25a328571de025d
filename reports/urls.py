"""URLs of yearly reports: the list, a draft and its preview, issuing, an issued report."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/issued/<int:pk>/", views.issued_page, name="issued"),
    path("reports/issued/<int:pk>/report.docx", views.issued_docx, name="issued_docx"),
    path("reports/issued/<int:pk>/report.pdf", views.issued_pdf, name="issued_pdf"),
    path("reports/<slug:plan>/<str:unit>/<int:year>/", views.draft_page, name="draft"),
    path("reports/<slug:plan>/<str:unit>/<int:year>/draft.docx", views.draft_docx,
         name="draft_docx"),
    path("reports/<slug:plan>/<str:unit>/<int:year>/draft.pdf", views.draft_pdf,
         name="draft_pdf"),
    path("reports/<slug:plan>/<str:unit>/<int:year>/issue/", views.issue, name="issue"),
]  # fmt: skip
