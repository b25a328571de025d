"""URLs of the recognition procedure (names fixed by the app's contract: templates of other
apps link to them)."""

from django.urls import path

from recognition import views

app_name = "recognition"

urlpatterns = [
    path("recognition/", views.index, name="index"),
    path("recognition/new/", views.register, name="register"),
    path("recognition/calendar/", views.calendar, name="calendar"),
    path("recognition/<int:pk>/", views.detail, name="detail"),
    path("recognition/<int:pk>/assess/", views.assess, name="assess"),
    path("recognition/<int:pk>/review/", views.review, name="review"),
    path("recognition/<int:pk>/submit/", views.submit, name="submit"),
    path("recognition/<int:pk>/return/", views.return_application, name="return"),
    path("recognition/<int:pk>/council/", views.council, name="council"),
    path("recognition/<int:pk>/opinion/", views.opinion, name="opinion"),
    path("recognition/<int:pk>/decide/", views.decide, name="decide"),
    path("recognition/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("recognition/<int:pk>/dossier/<str:part>.docx", views.dossier_part, name="dossier"),
    path("recognition/evidence/<int:pk>/", views.evidence, name="evidence"),
    path("units/<str:code>/recognition/", views.unit_page, name="unit"),
]
