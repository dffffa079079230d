"""The early-warning model: the likelihood that a unit goes idle or closes within six months, trained with
scikit-learn on the platform's own history (features of ``risk_features`` at past cutoffs, labels from the
registry's status changes), explained per unit by each feature's contribution to its score.

The model family is fixed (``MODEL_KIND``): it was chosen by the backtest on training months only
(``choose_kind``, printed by ``manage.py backtest_early_warning``; figures in benchmarks/README.md).
Logistic regression on standardised features explains itself (coefficient × standardised value); for
gradient boosting a feature's contribution is how much the score moves when that feature alone is set to
the training median (a local, SHAP-like reading).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from rownaq.monitoring.figures import month_of
from rownaq.monitoring.risk_features import FEATURES, HORIZON, FeatureTable, History, features_at, outcomes

Kind = Literal["logistic", "boosting"]
KINDS: tuple[Kind, ...] = ("logistic", "boosting")
MODEL_KIND: Kind = "logistic"
TRAIN_CUTOFFS = 12  # the latest cutoffs the model learns from
MIN_HISTORY = 3  # months of history a cutoff needs before it is used for training
RULE_THRESHOLD = 40.0  # the officials' rule: last month's utilisation below 40%
REASON_MIN = 0.05  # a feature's contribution (in log-odds) below this is not a reason
MAX_REASONS = 4
SMOOTHING = 20.0  # units of prior weight when the sector's rate is learned from few units
COLUMNS = (*FEATURES, "sector_rate")


class NotEnoughHistory(ValueError):
    """The history holds no cutoff to learn from, or no unit went idle or closed in it."""


@dataclass
class Model:
    kind: Kind
    estimator: Any
    medians: np.ndarray
    sector_rates: dict[str, float]
    base_rate: float
    trained_through: int  # the last training cutoff (a month index)
    rows: int
    empty: np.ndarray  # the columns nothing was known of in training (read as 0)

    @property
    def version(self) -> str:
        period = month_of(self.trained_through)
        return f"{self.kind}-{period.year}-{period.number:02d}-sklearn{sklearn.__version__}"


def training_cutoffs(test_cutoff: int, first: int, *, limit: int = TRAIN_CUTOFFS) -> list[int]:
    """The cutoffs whose six-month outcome window ends no later than ``test_cutoff`` (so every label was known
    at the end of the test month: no leakage), with ``MIN_HISTORY`` months before them, the latest ``limit``."""
    last = test_cutoff - HORIZON
    return list(range(max(first + MIN_HISTORY, last - limit + 1), last + 1))


def _design(
    table: FeatureTable, sector_rates: dict[str, float], base_rate: float, empty: np.ndarray | None = None
) -> np.ndarray:
    rates = np.array([sector_rates.get(code, base_rate) for code in table.division], dtype=float)
    x = np.column_stack([table.values, rates])
    if empty is not None:
        x[:, empty] = 0.0
    return x


def _estimator(kind: Kind) -> Any:
    if kind == "logistic":
        return Pipeline(
            [
                ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
                ("scale", StandardScaler()),
                ("model", LogisticRegression(C=0.5, max_iter=2000)),
            ]
        )
    return HistGradientBoostingClassifier(
        max_iter=150, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=40, random_state=0
    )


def fit(history: History, cutoffs: Sequence[int], *, kind: Kind = MODEL_KIND, units: np.ndarray | None = None) -> Model:
    """Train on the scored units (of ``units``, a mask over the history's units, if given) of every cutoff of
    ``cutoffs`` (label: idle or closed within six months)."""
    tables, labels = [], []
    for cutoff in cutoffs:
        known = outcomes(history, cutoff)
        table = features_at(history, cutoff)
        rows = known.scored if units is None else known.scored & units
        tables.append((table, rows))
        labels.append(known.label[rows])
    if not tables:
        raise NotEnoughHistory("No month of the history has a complete six-month outcome yet.")
    y = np.concatenate(labels)
    if y.size == 0 or y.all() or not y.any():
        raise NotEnoughHistory("No unit went idle or closed in the months the model learns from.")
    divisions = np.concatenate([table.division[scored] for table, scored in tables])
    base_rate = float(y.mean())
    sector_rates = {}
    for code in set(divisions.tolist()):
        members = divisions == code
        sector_rates[code] = float((y[members].sum() + SMOOTHING * base_rate) / (members.sum() + SMOOTHING))
    x = np.vstack([_design(table, sector_rates, base_rate)[scored] for table, scored in tables])
    empty = np.isnan(x).all(axis=0)
    x[:, empty] = 0.0
    estimator = _estimator(kind)
    estimator.fit(x, y)
    medians = np.nanmedian(x, axis=0)
    return Model(
        kind=kind,
        estimator=estimator,
        medians=np.nan_to_num(medians),
        sector_rates=sector_rates,
        base_rate=base_rate,
        trained_through=max(cutoffs),
        rows=len(y),
        empty=empty,
    )


def design(model: Model, table: FeatureTable) -> np.ndarray:
    return _design(table, model.sector_rates, model.base_rate, model.empty)


def predict(model: Model, table: FeatureTable) -> np.ndarray:
    return np.asarray(model.estimator.predict_proba(design(model, table))[:, 1])


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.asarray(np.log(p / (1 - p)))


def contributions(model: Model, table: FeatureTable) -> np.ndarray:
    """Each feature's push on each unit's score, in log-odds (units × COLUMNS); positive raises the risk."""
    x = design(model, table)
    if model.kind == "logistic":
        pipeline = model.estimator
        z = pipeline[:-1].transform(x)
        return np.asarray(z * pipeline[-1].coef_[0])
    base = _logit(model.estimator.predict_proba(x)[:, 1])
    pushes = np.zeros_like(x)
    for j in range(x.shape[1]):
        moved = x.copy()
        moved[:, j] = model.medians[j]
        pushes[:, j] = base - _logit(model.estimator.predict_proba(moved)[:, 1])
    return pushes


# -- reasons: codes and the figures behind them, turned into sentences by risk_reasons at display ----------


def _month_params(index: float) -> dict[str, int]:
    period = month_of(int(index))
    return {"year": period.year, "month": period.number}


def _percent(change: float) -> int:
    return round(abs(change) * 100)


def _reason(feature: str, table: FeatureTable, row: int) -> dict[str, Any] | None:
    """The reason a feature gives for a unit, with its figures, if the figures say something a person can act on."""
    value = table.feature(feature)[row] if feature in FEATURES else np.nan
    fact = {name: values[row] for name, values in table.facts.items()}
    if feature in ("utilisation_change_3", "utilisation_change_6", "utilisation_slope", "utilisation_now"):
        now = fact["utilisation_now"]
        for months, then in ((6, fact["utilisation_6"]), (3, fact["utilisation_3"])):
            if not np.isnan(now) and not np.isnan(then) and then - now >= 5:
                return {"code": "utilisation_fell", "params": {"months": months, "from": round(then), "to": round(now)}}
        if not np.isnan(now) and now < 50:
            return {"code": "utilisation_low", "params": {"value": round(now)}}
        return None
    if np.isnan(value):
        return None
    if feature == "sales_change" and value <= -0.1:
        return {"code": "sales_fell", "params": {"percent": _percent(value)}}
    if feature == "employees_change" and value <= -0.05:
        return {"code": "employees_fell", "params": {"percent": _percent(value)}}
    if feature == "raw_material_days" and value < 30:
        return {"code": "raw_material_low", "params": {"days": int(value)}}
    if feature == "overdue_wage_months" and value > 0:
        return {"code": "wages_overdue", "params": {"months": int(value)}}
    if feature in ("insurance_debt", "signal_insurance_debt") and value > 0:
        amount = np.nanmax([fact["insurance_debt"], fact["signal_insurance_debt"]])
        return {"code": "insurance_debt", "params": {"amount": int(amount)}}
    if feature in ("returned_cheques_now", "returned_cheques_6", "signal_returned_cheques_6") and value > 0:
        count = max(table.feature("returned_cheques_6")[row], table.feature("signal_returned_cheques_6")[row])
        since = fact["cheques_since"]
        params: dict[str, Any] = {"count": int(count)}
        if not np.isnan(since):
            params.update(_month_params(since))
        return {"code": "returned_cheques", "params": params}
    if feature == "missed_in_a_row" and value >= 1:
        return {"code": "missed_reports", "params": {"months": int(value)}}
    if feature == "electricity_change" and value <= -0.1:
        return {"code": "electricity_fell", "params": {"percent": _percent(value)}}
    if feature == "gas_change" and value <= -0.1:
        return {"code": "gas_fell", "params": {"percent": _percent(value)}}
    if feature == "insured_change" and value <= -0.05:
        return {"code": "insured_fell", "params": {"percent": _percent(value), **_month_params(table.cutoff - 6)}}
    if feature == "tax_arrears" and value > 0:
        return {"code": "tax_arrears", "params": {"amount": int(fact["tax_arrears"])}}
    if feature == "overdue_instalments" and value > 0:
        return {"code": "instalments_overdue", "params": {"amount": int(fact["overdue_instalments"])}}
    if feature == "licence_expiring" and value > 0:
        days = int(fact["licence_days"])
        if days >= 0:
            return {"code": "licence_expiring", "params": {"days": days}}
        return {"code": "licence_expired", "params": {"days": -days}}
    return None


def reasons_for(table: FeatureTable, pushes: np.ndarray, row: int) -> list[dict[str, Any]]:
    """The unit's reasons, strongest first: features that raised its score, with figures a person can act on."""
    found: list[dict[str, Any]] = []
    for j in np.argsort(-pushes[row], kind="stable"):
        if pushes[row, j] < REASON_MIN or len(found) == MAX_REASONS:
            break
        reason = _reason(COLUMNS[j], table, row)
        if reason is not None and all(reason["code"] != known["code"] for known in found):
            found.append(reason)
    return found


# -- evaluation: precision and recall at k, for the model and the officials' rule --------------------------


@dataclass
class Ranked:
    """Hits and totals of one method at one cutoff."""

    precision: dict[int, float] = field(default_factory=dict)
    recall: dict[int, float] = field(default_factory=dict)
    predictions: dict[int, int] = field(default_factory=dict)


def at_k(order: np.ndarray, label: np.ndarray, ks: Sequence[int]) -> Ranked:
    """Precision and recall of the first k units of ``order`` (positions into ``label``). When the method
    names fewer than k units, precision is still over k: the slots it leaves empty count as misses."""
    positives = int(label.sum())
    ranked = Ranked()
    for k in ks:
        hits = int(label[order[:k]].sum())
        ranked.precision[k] = hits / k
        ranked.recall[k] = hits / positives if positives else 0.0
        ranked.predictions[k] = min(k, len(order))
    return ranked


def model_order(scores: np.ndarray, scored: np.ndarray, unit_ids: np.ndarray) -> np.ndarray:
    """The scored units, highest score first (ties: lower unit id first)."""
    candidates = np.flatnonzero(scored)
    keys = np.lexsort((unit_ids[candidates], -scores[candidates]))
    return candidates[keys]


def rule_order(table: FeatureTable, scored: np.ndarray) -> np.ndarray:
    """The units the officials' rule flags (last month's utilisation below 40%), lowest utilisation first."""
    last = table.facts["last_month_utilisation"]
    flagged = np.flatnonzero(scored & ~np.isnan(last) & (np.nan_to_num(last, nan=np.inf) < RULE_THRESHOLD))
    keys = np.lexsort((table.unit_ids[flagged], last[flagged]))
    return flagged[keys]


@dataclass
class Backtest:
    cutoff: int
    kind: Kind
    train_cutoffs: list[int]
    train_rows: int
    scored: int
    positives: int
    flagged: int
    model: Ranked
    rule: Ranked


def backtest(history: History, test_cutoff: int, *, kind: Kind = MODEL_KIND, ks: Sequence[int] = (50, 100)) -> Backtest:
    """Train on the cutoffs whose outcome was known by ``test_cutoff``, score at it, and compare with the rule."""
    cutoffs = training_cutoffs(test_cutoff, history.first)
    model = fit(history, cutoffs, kind=kind)
    known = outcomes(history, test_cutoff)
    table = features_at(history, test_cutoff)
    scores = predict(model, table)
    rule = rule_order(table, known.scored)
    return Backtest(
        cutoff=test_cutoff,
        kind=kind,
        train_cutoffs=cutoffs,
        train_rows=model.rows,
        scored=int(known.scored.sum()),
        positives=int(known.label.sum()),
        flagged=len(rule),
        model=at_k(model_order(scores, known.scored, table.unit_ids), known.label, ks),
        rule=at_k(rule, known.label, ks),
    )


def choose_kind(history: History, test_cutoff: int, *, k: int = 50) -> dict[Kind, float | None]:
    """Each model family's precision on the TRAINING cutoffs only, the comparison that chose ``MODEL_KIND``:
    the units are split in two by their id; a model trained on one half (every training cutoff) ranks the
    other half at each training cutoff, and precision@k/2 is averaged over the cutoffs and both halves.
    Every label it reads was known by the test cutoff, and nothing of the test month is used."""
    cutoffs = training_cutoffs(test_cutoff, history.first)
    halves = [history.unit_ids % 2 == 0, history.unit_ids % 2 == 1]
    result: dict[Kind, float | None] = {}
    for kind in KINDS:
        found: list[float] = []
        try:
            for fold, half in enumerate(halves):
                model = fit(history, cutoffs, kind=kind, units=halves[1 - fold])
                for cutoff in cutoffs:
                    known = outcomes(history, cutoff)
                    table = features_at(history, cutoff)
                    held_out = known.scored & half
                    order = model_order(predict(model, table), held_out, table.unit_ids)
                    found.append(at_k(order, known.label, (k // 2,)).precision[k // 2])
        except NotEnoughHistory:
            result[kind] = None
            continue
        result[kind] = float(np.mean(found)) if found else None
    return result
