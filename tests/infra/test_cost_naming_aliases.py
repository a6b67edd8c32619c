"""Cost estimate (seed figures, per-minute billing), naming and claims, aliases."""

from __future__ import annotations

import json

import pytest
from lambda_infra.aliases import ALIASES, alias_for, resolve_instance_type
from lambda_infra.catalog import INSTANCE_TYPES
from lambda_infra.cost import default_phases, estimate_cost
from lambda_infra.models import Instance
from lambda_infra.naming import PREFIX, ClaimStore, find_orphans, is_project_name, unique_instance_name


@pytest.mark.parametrize(("hours", "usd"), [(12, 15.48), (6, 7.74), (24, 30.96)])
def test_seed_cost_matrix_for_the_a100(hours, usd):
    est = estimate_cost(129, hours)
    assert est.total_usd == usd and est.billed_minutes == hours * 60
    assert [p.name for p in est.phases] == ["training"]


def test_per_minute_billing_rounds_up_to_the_minute():
    assert estimate_cost(129, 61 / 3600).billed_minutes == 2  # 61 s bills 2 minutes
    assert estimate_cost(129, 61 / 3600).total_cents == 4  # 2 * 129 / 60 = 4.3 -> 4 cents
    assert estimate_cost(2392, 0.5).total_cents == 1196
    assert estimate_cost(129, 0).total_cents == 0


def test_phases_follow_the_seed_and_add_up():
    est = estimate_cost(129, 12, default_phases())
    assert [p.name for p in est.phases] == ["boot", "setup", "training", "download", "teardown"]
    assert [p.minutes for p in est.phases] == [3, 10, 720, 5, 2]
    assert est.billed_minutes == 740 and est.total_cents == 1591  # 740 * 1.29 / 60 = 15.91
    assert sum(p.cost_usd for p in est.phases) == pytest.approx(est.total_usd, abs=0.01)
    override = estimate_cost(129, 12, {"setup": 0.5})
    assert override.billed_minutes == 750
    d = est.to_dict()
    assert d["total_usd"] == 15.91 and json.dumps(d)


def test_cost_rejects_negative_inputs():
    for args in [(-1, 1), (129, -1)]:
        with pytest.raises(ValueError):
            estimate_cost(*args)
    with pytest.raises(ValueError, match="setup"):
        estimate_cost(129, 1, {"setup": -0.1})


def test_unique_names_have_prefix_suffix_and_fit_64():
    names = {unique_instance_name("train") for _ in range(200)}
    assert len(names) == 200
    n = names.pop()
    assert n.startswith(f"{PREFIX}-train-") and len(n.rsplit("-", 1)[1]) == 8 and is_project_name(n)
    long = unique_instance_name("Run With Spaces/" + "x" * 100)
    assert len(long) <= 64 and long.startswith("sae-pii-run-with-spaces-x")
    assert not is_project_name("my-box") and not is_project_name(None) and not is_project_name("sae-piifoo")


def _inst(iid, name, status="active"):
    return Instance(id=iid, name=name, status=status, ip=None, region="us-east-1", instance_type="gpu_1x_a10")


def test_claims_and_orphans(tmp_path):
    store = ClaimStore(tmp_path / "sub" / "claims.json")
    insts = [_inst("a", "sae-pii-train-00000001"), _inst("b", "sae-pii-train-00000002"),
             _inst("c", "someone-elses-box"), _inst("d", "sae-pii-train-00000004", "terminated"),
             _inst("e", "sae-pii-train-00000005")]
    store.claim("sae-pii-train-00000001", "launcher", "a")
    store.claim("sae-pii-train-00000005", "pulumi:dev", None)  # claimed before the id was known
    assert [i.id for i in find_orphans(insts, store)] == ["b"]
    assert store.owner_of(insts[0]) == "launcher" and store.owner_of(insts[4]) == "pulumi:dev"
    assert store.release("a") and not store.release("a")
    assert [i.id for i in find_orphans(insts, store)] == ["a", "b"]
    # a claim for an old instance of the same name does not cover a new one
    store.claim("sae-pii-train-00000002", "launcher", "old-id")
    assert [i.id for i in find_orphans(insts, store)] == ["a", "b"]
    assert not list((tmp_path / "sub").glob(".claims-*"))
    (tmp_path / "sub" / "claims.json").write_text("{oops")
    with pytest.raises(ValueError, match="claims file"):
        store.load()


def test_aliases_resolve_to_known_types():
    for alias, types in ALIASES.items():
        assert all(t in INSTANCE_TYPES for t in types), alias
    assert resolve_instance_type("a100") == ["gpu_1x_a100_sxm4", "gpu_1x_a100"]
    assert resolve_instance_type("8xH100") == ["gpu_8x_h100_sxm5"]
    assert resolve_instance_type("gpu_1x_a10") == ["gpu_1x_a10"]
    assert alias_for("gpu_8x_h100_sxm5") == "8xh100"
    with pytest.raises(ValueError, match="a100"):
        resolve_instance_type("a1000")
    with pytest.raises(ValueError, match="gpu_1x_a10"):
        resolve_instance_type("gpu_1x_nope", known={"gpu_1x_a10"})
