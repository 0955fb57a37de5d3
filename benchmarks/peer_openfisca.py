"""OpenFisca-core: a minimal tax-benefit system for the two benchmark programs.

Adapted from the peer harness: Variable classes on a person-like entity, rates and caps as dated
parameters, evaluated vectorised over all applicants in one Simulation built from numpy arrays
(``set_input``), the survey-data path. Each pass builds a fresh Simulation (OpenFisca caches
computed values in it). OpenFisca stores ``value_type = float`` as float32.

Shenzhen: 60% (start-up enterprise) or 50% of the contract, at most 1000万, for applicants
registered in the city. Chengdu: domestic compute 50%–60%, foreign 30%–40%, at most 500万: the
low and the high end are two variables.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum
from openfisca_core.model_api import min_, where
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import DateUnit
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

PERIOD = "2025"
KINDS = ("enterprise", "university", "research_institute")

Applicant = build_entity(key="applicant", plural="applicants", label="An applicant", is_person=True)


class ApplicantKind(Enum):
    enterprise = "Enterprise"
    university = "University"
    research_institute = "Research institute"


def _input(name: str, kind: Any, **extra: Any) -> type[Variable]:
    attributes = {
        "value_type": kind,
        "entity": Applicant,
        "definition_period": DateUnit.YEAR,
        "label": name,
        **extra,
    }
    return type(name, (Variable,), attributes)


contract_amount = _input("contract_amount", float)
is_startup = _input("is_startup", bool)
registered = _input("registered", bool)
domestic = _input("domestic", bool)
applicant_kind = _input(
    "applicant_kind",
    Enum,
    possible_values=ApplicantKind,
    default_value=ApplicantKind.enterprise,
)


class sz_subsidy(Variable):
    value_type = float
    entity = Applicant
    definition_period = DateUnit.YEAR
    label = "Shenzhen training-compute voucher (CNY)"

    def formula(applicant, period, parameters):  # type: ignore[no-untyped-def]
        p = parameters(period).voucher.shenzhen
        startup_enterprise = applicant("is_startup", period) * (
            applicant("applicant_kind", period) == ApplicantKind.enterprise
        )
        rate = where(startup_enterprise, p.rate_startup_enterprise, p.rate_default)
        amount = min_(applicant("contract_amount", period) * rate, p.cap)
        return applicant("registered", period) * amount


def _chengdu(end: str) -> type[Variable]:
    def formula(applicant, period, parameters):  # type: ignore[no-untyped-def]
        p = parameters(period).voucher.chengdu
        rate = where(applicant("domestic", period), p[f"domestic_{end}"], p[f"foreign_{end}"])
        amount = min_(applicant("contract_amount", period) * rate, p.cap)
        return applicant("registered", period) * amount

    return type(
        f"cd_{end}",
        (Variable,),
        {
            "value_type": float,
            "entity": Applicant,
            "definition_period": DateUnit.YEAR,
            "label": f"Chengdu compute voucher, {end} end (CNY)",
            "formula": formula,
        },
    )


cd_low = _chengdu("low")
cd_high = _chengdu("high")

PARAMETERS = {
    "voucher": {
        "shenzhen": {
            "rate_startup_enterprise": {"values": {"2024-12-18": 0.60}},
            "rate_default": {"values": {"2024-12-18": 0.50}},
            "cap": {"values": {"2024-12-18": 10_000_000}},
        },
        "chengdu": {
            "domestic_low": {"values": {"2025-01-01": 0.5}},
            "domestic_high": {"values": {"2025-01-01": 0.6}},
            "foreign_low": {"values": {"2025-01-01": 0.3}},
            "foreign_high": {"values": {"2025-01-01": 0.4}},
            "cap": {"values": {"2025-01-01": 5_000_000}},
        },
    },
}


class VoucherSystem(TaxBenefitSystem):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__([Applicant])
        self.parameters = ParameterNode("", data=PARAMETERS)
        self.add_variables(
            contract_amount,
            is_startup,
            registered,
            domestic,
            applicant_kind,
            sz_subsidy,
            cd_low,
            cd_high,
        )


class OpenFiscaVectorised:
    """Build a Simulation from numpy columns and calculate the program's variables."""

    def __init__(self, program: str, columns: dict[str, np.ndarray]) -> None:
        self.system = VoucherSystem()
        self.program = program
        self.ids = np.arange(len(columns["amount_fen"]))
        self.inputs = {
            "contract_amount": columns["amount_fen"] / 100.0,
            "registered": columns["registered"],
        }
        if program == "sz":
            self.inputs["is_startup"] = columns["startup"]
            self.inputs["applicant_kind"] = columns["kind_code"].astype(np.int16)
            self.outputs = ("sz_subsidy",)
        else:
            self.inputs["domestic"] = columns["domestic"]
            self.outputs = ("cd_low", "cd_high")

    def run(self) -> list[np.ndarray]:
        builder = SimulationBuilder()
        builder.create_entities(self.system)
        builder.declare_person_entity("applicant", self.ids)
        simulation = builder.build(self.system)
        for name, values in self.inputs.items():
            simulation.set_input(name, PERIOD, values)
        return [simulation.calculate(name, PERIOD) for name in self.outputs]
