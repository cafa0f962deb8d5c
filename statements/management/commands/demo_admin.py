"""Create or reset the demo superuser with a fresh random password, and print how to log in."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEFAULT_ADDRPORT = "127.0.0.1:8000"  # runserver's default, and the Makefile's


class Command(BaseCommand):
    help = "Create (or reset) the demo superuser with a new random password and print the login. For local demos."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin", help="Username of the demo superuser (default admin).")
        parser.add_argument(
            "--addrport",
            default=DEFAULT_ADDRPORT,
            help=f"Where the demo is served, as given to runserver (default {DEFAULT_ADDRPORT}); printed in the URL.",
        )

    def handle(self, *args, username: str, addrport: str, **options):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username)
        # A new random password on every run: nothing guessable is ever left on a demo machine.
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.is_active = user.is_staff = user.is_superuser = True
        user.save()
        self.stdout.write(self.style.SUCCESS(f"Demo admin {'created' if created else 'reset'}. Log in at:"))
        self.stdout.write(f"  URL:      http://{addrport}/admin/")
        self.stdout.write(f"  Username: {username}")
        self.stdout.write(f"  Password: {password}")
