"""API schemas shared by the calculator and the stored units."""

from ninja import Schema


class ContributionOut(Schema):
    """One line of the working: what one substance adds to S and to Σβq/Q, and why."""

    chemical: str
    cas: str | None
    quantity_t: float
    critical_q: float
    q_over_Q: float  # noqa: N815 - the standard's symbol
    beta: float
    beta_reason: str
    category: str | None
    source_table: int
    q_reason: str
    note: str
