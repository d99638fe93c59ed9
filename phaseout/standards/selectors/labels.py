"""The words the standards pages show for domains and verdicts, derived from
standards.vocabulary (the one place they are defined and translated), never retyped."""

from phaseout.standards.vocabulary import STORED_VERDICTS, Domain, Verdict

DOMAIN_LABELS = dict(Domain.choices)
# The verdicts a page shows: a pass (judged live) and those a Finding stores. "Not
# applicable" is never shown: the rule says nothing about the line.
VERDICT_LABELS = {v.value: v.label for v in (Verdict.PASS, *STORED_VERDICTS)}
# Verdict badges reuse the colours of the line status badges (static/phaseout/app.css).
VERDICT_BADGES = {
    Verdict.PASS.value: "status-operating",
    Verdict.FAIL.value: "status-sealed",
    Verdict.NO_DATA.value: "status-suspended",
    Verdict.BAD_UNIT.value: "status-rectifying",
}
