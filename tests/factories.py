"""factory_boy factories: every test builds the rows it needs; no test relies on a pre-filled database."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from statements import history
from statements.models import Country, Kind, Official, Outlet, Position, Source, Statement, Status, Topic


def country(code: str) -> Country:
    """Countries come from the data migration; look one up by ISO code."""
    return Country.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")
    is_staff = True


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    name = factory.Sequence(lambda n: f"Official Number{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    country = factory.LazyFunction(lambda: country("RU"))
    is_synthetic = True


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    official = factory.SubFactory(OfficialFactory)
    title = "Spokesperson"
    organisation = "Ministry of Foreign Affairs"
    start_date = datetime.date(2010, 1, 1)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda t: slugify(t.name))


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    outlet = factory.SubFactory(OutletFactory)
    title = factory.Sequence(lambda n: f"Report number {n}")
    url = factory.Sequence(lambda n: f"https://news.example.org/report-{n}")
    published_on = datetime.date(2016, 11, 11)


class StatementFactory(factory.django.DjangoModelFactory):
    """A published direct quote with a source; pass status=Status.DRAFT for a draft.

    Its creation is one history entry holding its links, as the admin, the import, the article assistant and the
    demo write it (statements/history.py), rather than simple-history's entry per save and per link change: a
    statement with topics, countries and mentioned officials made four entries, each copying every link, which was
    most of the time the suite spent making statements.
    """

    class Meta:
        model = Statement
        skip_postgeneration_save = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        statement = model_class(*args, **kwargs)
        history.hold(statement)  # recorded once, with the links, in _after_postgeneration
        statement.save(force_insert=True)
        return statement

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            history.record(instance, created=True)

    speaker = factory.SubFactory(OfficialFactory)
    date = datetime.date(2016, 11, 11)
    text = factory.Sequence(lambda n: f"Statement number {n} about international affairs.")
    kind = Kind.DIRECT
    source = factory.SubFactory(SourceFactory)
    status = Status.PUBLISHED

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create and extracted:
            self.countries.set(extracted)

    @factory.post_generation
    def mentioned_officials(self, create, extracted, **kwargs):
        if create and extracted:
            self.mentioned_officials.set(extracted)
