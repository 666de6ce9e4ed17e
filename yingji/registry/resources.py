"""One declaration per registry model: the list, filters, search, map layer and import all read it.

Adding a model to the registry is adding a `ResourceSpec` here (see docs/development.md); the API,
the list/detail/edit pages, imports, exports and the map layer are generated from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.db import models

from .models import (
    Enterprise,
    Equipment,
    Expert,
    MedicalFacility,
    RescueTeam,
    School,
    Shelter,
    StockItem,
    Vehicle,
    Warehouse,
)


@dataclass(frozen=True)
class ResourceSpec:
    """How one registry model is listed, searched, filtered, drawn on the map and imported."""

    slug: str
    model: type[models.Model]
    list_fields: tuple[str, ...]
    search_fields: tuple[str, ...]
    filter_fields: tuple[str, ...] = ()
    # Fields in the form and in imports, in column order; FKs are resolved by name or code.
    form_fields: tuple[str, ...] = ()
    # Natural key used to tell duplicates in an import (unique field), if any.
    natural_key: str | None = None
    map_color: str = "#1f6feb"
    map_layer: bool = True
    part: str = "command"

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def label_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def field(self, name: str) -> models.Field:
        """A concrete field of the model by name (reverse relations are never listed in a spec)."""
        return cast(models.Field, self.model._meta.get_field(name))

    @property
    def located(self) -> bool:
        return any(f.name == "longitude" for f in self.model._meta.get_fields())


_LOCATION = ("admin_area", "address", "longitude", "latitude")
_OWNER = ("owner_department",)

SPECS: tuple[ResourceSpec, ...] = (
    ResourceSpec(
        slug="enterprises",
        model=Enterprise,
        list_fields=("name", "credit_code", "industry", "hazard_category", "scale", "admin_area", "safety_officer",
                     "safety_officer_phone"),
        search_fields=("name", "credit_code", "address", "legal_representative", "safety_officer"),
        filter_fields=("industry", "scale", "hazard_category", "in_chemical_park", "owner_department"),
        form_fields=("name", "credit_code", "industry", "scale", "hazard_category", "in_chemical_park", "employees",
                     "legal_representative", "safety_officer", "safety_officer_phone", *_LOCATION, *_OWNER),
        natural_key="credit_code",
        map_color="#d1242f",
        part="supervision",
    ),
    ResourceSpec(
        slug="schools",
        model=School,
        list_fields=("name", "school_type", "students", "staff", "admin_area", "principal", "phone"),
        search_fields=("name", "address", "principal"),
        filter_fields=("school_type", "boarding"),
        form_fields=("name", "school_type", "students", "staff", "boarding", "principal", "safety_contact", "phone",
                     *_LOCATION, *_OWNER),
        map_color="#8250df",
        part="supervision",
    ),
    ResourceSpec(
        slug="rescue-teams",
        model=RescueTeam,
        list_fields=("name", "team_type", "members", "status", "leader", "phone", "admin_area"),
        search_fields=("name", "leader", "equipment", "address"),
        filter_fields=("team_type", "status"),
        form_fields=("name", "team_type", "members", "equipment", "status", "leader", "phone", "enterprise",
                     *_LOCATION, *_OWNER),
        map_color="#e16f24",
    ),
    ResourceSpec(
        slug="experts",
        model=Expert,
        list_fields=("name", "specialty", "title", "organisation", "available", "phone"),
        search_fields=("name", "organisation"),
        filter_fields=("specialty", "title", "available"),
        form_fields=("name", "specialty", "title", "organisation", "available", "phone", *_LOCATION, *_OWNER),
        map_color="#0969da",
    ),
    ResourceSpec(
        slug="warehouses",
        model=Warehouse,
        list_fields=("name", "level", "area_m2", "manager", "phone", "admin_area"),
        search_fields=("name", "manager", "address"),
        filter_fields=("level",),
        form_fields=("name", "level", "area_m2", "manager", "phone", "enterprise", *_LOCATION, *_OWNER),
        map_color="#9a6700",
    ),
    ResourceSpec(
        slug="stock-items",
        model=StockItem,
        list_fields=("name", "category", "quantity", "unit", "expiry_date", "warehouse"),
        search_fields=("name", "warehouse__name"),
        filter_fields=("category", "warehouse"),
        form_fields=("warehouse", "name", "category", "quantity", "unit", "expiry_date"),
        map_layer=False,
    ),
    ResourceSpec(
        slug="shelters",
        model=Shelter,
        list_fields=("name", "kind", "capacity", "occupancy", "status", "admin_area", "manager", "phone"),
        search_fields=("name", "address", "manager"),
        filter_fields=("kind", "status"),
        form_fields=("name", "kind", "capacity", "area_m2", "facilities", "occupancy", "status", "manager", "phone",
                     *_LOCATION, *_OWNER),
        map_color="#1a7f37",
    ),
    ResourceSpec(
        slug="medical-facilities",
        model=MedicalFacility,
        list_fields=("name", "level", "beds", "icu_beds", "specialties", "phone", "admin_area"),
        search_fields=("name", "specialties", "address"),
        filter_fields=("level",),
        form_fields=("name", "level", "beds", "icu_beds", "specialties", "phone", *_LOCATION, *_OWNER),
        map_color="#cf222e",
    ),
    ResourceSpec(
        slug="vehicles",
        model=Vehicle,
        list_fields=("plate", "vehicle_type", "capacity", "status", "driver", "phone", "admin_area"),
        search_fields=("plate", "driver"),
        filter_fields=("vehicle_type", "status"),
        form_fields=("plate", "vehicle_type", "capacity", "status", "driver", "phone", "enterprise", *_LOCATION,
                     *_OWNER),
        natural_key="plate",
        map_color="#57606a",
    ),
    ResourceSpec(
        slug="equipment",
        model=Equipment,
        list_fields=("name", "kind", "model_number", "quantity", "status", "custodian", "admin_area"),
        search_fields=("name", "model_number", "custodian"),
        filter_fields=("kind", "status"),
        form_fields=("name", "kind", "model_number", "quantity", "status", "custodian", "phone", "enterprise",
                     *_LOCATION, *_OWNER),
        map_color="#6e7781",
    ),
)

SPECS_BY_SLUG = {spec.slug: spec for spec in SPECS}


def spec_for(slug: str) -> ResourceSpec | None:
    return SPECS_BY_SLUG.get(slug)
