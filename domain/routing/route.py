"""The one routing function: which sources serve an order's lines, and why.

Pure arithmetic over facts, rules and stock: order creation, re-routing when stock
changes and the `explainRouting` dry run all call `route`, so what is explained is
exactly what creation does.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.routing import conditions
from domain.routing.decision import Candidate, Decision, LineDecision, SkippedRule, Verdict
from domain.routing.facts import LineFacts, Network, OrderFacts, StockKey
from domain.routing.rules import Rule, RuleSet, SourceOrder, SourceRef, WhenShort, default_rule


def route(order: OrderFacts, rule_set: RuleSet, network: Network) -> Decision:
    """Decide the sources of `order`'s open units under the client's rules and current stock."""
    index, rule, reason, skipped = choose_rule(order, rule_set, network)
    left = dict(network.available)
    needs = [line for line in order.lines if line.quantity > 0]
    live = [s for s in rule.sources if s in network.codes]
    gone = [s for s in rule.sources if s not in network.codes]
    fallback = (
        [s for s in network.suppliers if s not in live]
        if rule.when_short is WhenShort.SUPPLIER
        else []
    )
    # Suppliers outside the rule only take what is short: they never ship a whole order.
    ranked = _ranked(live, rule.source_order, needs, left, network)
    complete = (
        _complete_source(needs, ranked, left, network)
        if rule.prefer_complete or not rule.allow_split
        else None
    )
    lines = []
    for line in order.lines:
        if complete is not None:
            candidates = _complete(line, ranked, complete, left, network)
        elif rule.allow_split:
            candidates = _fill(line, rule, live, fallback, left, network)
        else:
            candidates = [
                Candidate(s, network.codes[s], left.get((line.product_id, s), 0), 0,
                          Verdict.CANNOT_COMPLETE)
                for s in ranked
            ]  # fmt: skip
        candidates += [Candidate(s, "", 0, 0, Verdict.UNAVAILABLE) for s in gone]
        lines.append(_line(line, candidates, rule))
    return Decision(
        rule_set_version=rule_set.version,
        rule_index=index,
        rule_name=rule.name,
        rule_reason=reason,
        skipped=tuple(skipped),
        lines=tuple(lines),
    )


def choose_rule(
    order: OrderFacts, rule_set: RuleSet, network: Network
) -> tuple[int | None, Rule, str, list[SkippedRule]]:
    """The first rule the order meets (index, rule, why), and the rules it failed before."""
    skipped: list[SkippedRule] = []
    for index, rule in enumerate(rule_set.rules):
        ok, words = conditions.check(rule.conditions, order)
        if ok:
            return index, rule, words, skipped
        skipped.append(SkippedRule(index, rule.name, words))
    reason = "no rule matched" if rule_set.rules else "the client has no routing rules"
    return None, default_rule(network.warehouses), reason, skipped


def _rank_key(network: Network, available: int, source: SourceRef) -> tuple[int, str, str]:
    return (-available, network.codes[source], str(source.id))


def _ranked(
    sources: Sequence[SourceRef],
    order: SourceOrder,
    needs: Sequence[LineFacts],
    left: dict[StockKey, int],
    network: Network,
) -> list[SourceRef]:
    # For the whole order: MOST_AVAILABLE ranks by the units of all wanted products held.
    if order is SourceOrder.LISTED:
        return list(sources)
    products = {line.product_id for line in needs}
    return sorted(
        sources,
        key=lambda s: _rank_key(network, sum(left.get((p, s), 0) for p in products), s),
    )


def _complete_source(
    needs: Sequence[LineFacts],
    ranked: Sequence[SourceRef],
    left: dict[StockKey, int],
    network: Network,
) -> SourceRef | None:
    if not needs:
        return None
    wanted: dict = {}
    for need in needs:
        wanted[need.product_id] = wanted.get(need.product_id, 0) + need.quantity
    for source in ranked:
        if all(
            left.get((p, source), 0) >= q and q >= network.minimum(p, source)
            for p, q in wanted.items()
        ):
            return source
    return None


def _complete(
    line: LineFacts,
    ranked: Sequence[SourceRef],
    chosen: SourceRef,
    left: dict[StockKey, int],
    network: Network,
) -> list[Candidate]:
    candidates = []
    before = True
    for source in ranked:
        available = left.get((line.product_id, source), 0)
        if source == chosen:
            before = False
            take = line.quantity
            left[(line.product_id, source)] = available - take
            verdict = Verdict.COMPLETE if take else Verdict.NOT_NEEDED
            candidates.append(Candidate(source, network.codes[source], available, take, verdict))
            continue
        if not before:
            verdict = Verdict.COMPLETE_ELSEWHERE
        elif 0 < min(line.quantity, available) < network.minimum(line.product_id, source):
            verdict = Verdict.BELOW_MINIMUM
        else:
            verdict = Verdict.CANNOT_COMPLETE
        candidates.append(Candidate(source, network.codes[source], available, 0, verdict))
    return candidates


def _fill(
    line: LineFacts,
    rule: Rule,
    live: Sequence[SourceRef],
    fallback: Sequence[SourceRef],
    left: dict[StockKey, int],
    network: Network,
) -> list[Candidate]:
    # Per line: MOST_AVAILABLE re-ranks by what is left of this line's product.
    def per_line(sources: Sequence[SourceRef], order: SourceOrder) -> list[SourceRef]:
        if order is SourceOrder.LISTED:
            return list(sources)
        return sorted(
            sources, key=lambda s: _rank_key(network, left.get((line.product_id, s), 0), s)
        )

    remaining = line.quantity
    candidates = []
    tried = [(s, False) for s in per_line(live, rule.source_order)] + [
        (s, True) for s in per_line(fallback, SourceOrder.MOST_AVAILABLE)
    ]
    for source, is_fallback in tried:
        key = (line.product_id, source)
        available = left.get(key, 0)
        take = min(remaining, max(available, 0))
        if 0 < take < network.minimum(line.product_id, source):
            take, verdict = 0, Verdict.BELOW_MINIMUM
        elif take > 0:
            left[key] = available - take
            remaining -= take
            verdict = Verdict.SHORT_FALLBACK if is_fallback else Verdict.PREFERRED
        elif remaining == 0:
            verdict = Verdict.NOT_NEEDED
        else:
            verdict = Verdict.NO_STOCK
        candidates.append(Candidate(source, network.codes[source], available, take, verdict))
    return candidates


def _line(line: LineFacts, candidates: list[Candidate], rule: Rule) -> LineDecision:
    assigned = sum(c.assigned for c in candidates)
    backordered = line.quantity - assigned
    if backordered == 0:
        note = "served" if line.quantity else "nothing left to route"
    elif not rule.allow_split and not assigned:
        note = "no single source can ship the whole order and the rule may not split it; waits"
    elif rule.when_short is WhenShort.SUPPLIER:
        note = f"{backordered} waiting: no source or supplier has them now"
    else:
        note = f"{backordered} waiting for stock at the rule's sources"
    below = [c.code for c in candidates if c.verdict is Verdict.BELOW_MINIMUM]
    if below:
        note += f"; below the minimum quantity of {', '.join(below)}"
    return LineDecision(
        line_number=line.line_number,
        sku=line.sku,
        product_id=line.product_id,
        quantity=line.quantity,
        candidates=tuple(candidates),
        backordered=backordered,
        note=note,
    )
