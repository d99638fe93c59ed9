"""`phaseout seed --enterprises N --seed S`: load a deterministic synthetic registry."""

from django.core.management.base import BaseCommand, CommandError

from phaseout.registry.seeding import SeedError, registry_analyze, seed_registry


class Command(BaseCommand):
    help = (
        "Load a synthetic registry: N enterprises over all 21 cities and the five in-scope "
        "industries, with lines, indicators and licences. The same N and seed always give "
        "the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, required=True)
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument("--lines-per-enterprise-mean", type=float, default=3.3)
        parser.add_argument(
            "--year", type=int, default=2023, help="year of the indicators (default 2023)"
        )
        parser.add_argument(
            "--method",
            choices=["raw", "orm"],
            default="raw",
            help="raw bulk SQL (default) or Django bulk_create (slower baseline)",
        )

    def handle(self, *args, **options):
        if options["enterprises"] < 1 or options["seed"] < 0:
            raise CommandError("--enterprises must be at least 1 and --seed not negative.")
        if options["lines_per_enterprise_mean"] < 1:
            raise CommandError("--lines-per-enterprise-mean must be at least 1.")
        self.stdout.write(
            f"Seeding {options['enterprises']:,} enterprises with seed "
            f"{options['seed']} ({options['method']} writes)..."
        )
        try:
            result = seed_registry(
                enterprises=options["enterprises"],
                seed=options["seed"],
                lines_mean=options["lines_per_enterprise_mean"],
                year=options["year"],
                method=options["method"],
                progress=self.stdout.write,
            )
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.enterprises:,} enterprises, {result.lines:,} lines, "
                f"{result.indicators:,} indicators and {result.licences:,} licences in "
                f"{result.seconds:.1f} s ({result.lines / max(result.seconds, 1e-9):,.0f} lines/s)."
            )
        )
        self.stdout.write(
            f"Refreshed the query planner's statistics in {registry_analyze():.1f} s."
        )
