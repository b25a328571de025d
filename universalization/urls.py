"""URLs of the PCGD-XMC pages (standards, persons, statistical tables)."""

from django.urls import path

from universalization import views

app_name = "universalization"

urlpatterns: list = [
    path("units/<str:code>/pcgd/", views.standards, name="standards"),
    path("units/<str:code>/pcgd/standards.xlsx", views.standards_xlsx, name="standards_xlsx"),
    path("units/<str:code>/pcgd/tables.xlsx", views.tables_xlsx, name="tables_xlsx"),
    path("units/<str:code>/pcgd/persons/", views.persons, name="persons"),
    path("units/<str:code>/pcgd/persons.xlsx", views.persons_xlsx, name="persons_xlsx"),
]
