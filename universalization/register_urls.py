"""URLs of the PCGD-XMC register's entry pages (households, persons, workbook in and out)."""

from django.urls import path

from universalization import register_views as views

app_name = "register"

urlpatterns: list = [
    path("units/<str:code>/pcgd/register/", views.register_list, name="list"),
    path("units/<str:code>/pcgd/register.xlsx", views.register_export, name="export"),
    path("units/<str:code>/pcgd/register/import/", views.register_import, name="import"),
    path("units/<str:code>/pcgd/register/import/<int:pk>/", views.import_job, name="import_job"),
    path(
        "units/<str:code>/pcgd/register/import/<int:pk>/confirm/",
        views.import_confirm,
        name="import_confirm",
    ),
    path("units/<str:code>/pcgd/register/persons/new/", views.person_create, name="person_new"),
    path("units/<str:code>/pcgd/register/persons/<int:pk>/", views.person_edit, name="person_edit"),
    path(
        "units/<str:code>/pcgd/register/households/new/",
        views.household_create,
        name="household_new",
    ),
    path(
        "units/<str:code>/pcgd/register/households/<int:pk>/",
        views.household_edit,
        name="household_edit",
    ),
]
