"""Load every ISO 3166-1 country from pycountry, the maintained ISO database, rather than typing them by hand."""

import pycountry
from django.db import migrations
from django.utils.text import slugify

# Short names in everyday use where ISO's name is the formal one; the formal names stay as aliases.
EVERYDAY_NAMES = {
    "CD": "Democratic Republic of the Congo",
    "FM": "Micronesia",
    "PS": "Palestine",
    "RU": "Russia",
    "VA": "Vatican City",
}


def country_rows():
    for entry in pycountry.countries:
        names = [getattr(entry, "common_name", None), entry.name, getattr(entry, "official_name", None)]
        display = EVERYDAY_NAMES.get(entry.alpha_2) or next(n for n in names if n)
        aliases = []
        for other in names:
            if other and other != display and other not in aliases:
                aliases.append(other)
        yield entry.alpha_2, display, "\n".join(aliases)


def load_countries(apps, schema_editor):
    countries = apps.get_model("statements", "Country").objects.using(schema_editor.connection.alias)
    existing = set(countries.values_list("code", flat=True))
    Country = countries.model
    countries.bulk_create(
        Country(code=code, name=name, slug=slugify(name), aliases=aliases)
        for code, name, aliases in country_rows()
        if code not in existing
    )


def unload_countries(apps, schema_editor):
    apps.get_model("statements", "Country").objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [("statements", "0001_initial")]

    operations = [migrations.RunPython(load_countries, unload_countries)]
