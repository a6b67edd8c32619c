"""Provisioning steps as plain functions over the client (the middle of the three layers).

Each step records or releases its claim (naming.ClaimStore) so `list --orphans` stays truthful:
a launch is claimed right after the API accepts it, a termination releases it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .aliases import resolve_instance_type
from .client import LambdaClient
from .errors import LambdaAPIError, NotFound
from .models import Instance
from .naming import OWNER_TAG, ClaimStore, find_orphans, unique_instance_name


def resolve_instance(client: LambdaClient, id_or_name: str) -> Instance:
    """An instance by id, or by its (unique) name. NotFound if neither matches."""
    try:
        return client.get_instance(id_or_name)
    except NotFound:
        pass
    matches = [i for i in client.list_instances() if i.name == id_or_name]
    live = [i for i in matches if not i.is_gone] or matches
    if not live:
        raise NotFound("global/object-does-not-exist", f"no instance with id or name {id_or_name!r}",
                       "`lambda-launcher list --all` shows every instance", 404)
    return live[0]


def launch(client: LambdaClient, instance_type: str, ssh_key_name: str, region: str = "auto",
           name: str | None = None, owner: str = "launcher", claims: ClaimStore | None = None,
           on_attempt: Callable[[str, str], None] | None = None, **launch_kwargs) -> Instance:
    """Launch one instance of a type or alias (a100, h100...), trying each region with capacity.

    The instance is tagged `sae-pii-owner=<owner>` and claimed in the claims file once accepted.
    """
    catalogue = client.instance_types()
    types = resolve_instance_type(instance_type, set(catalogue))
    name = name or unique_instance_name("train")
    tags = {OWNER_TAG: owner, **(launch_kwargs.pop("tags", None) or {})}
    regions = "auto" if region == "auto" else [region]
    inst = client.launch_with_fallback(types, regions, ssh_key_name, name, on_attempt=on_attempt, tags=tags,
                                       **launch_kwargs)
    (claims or ClaimStore()).claim(name, owner, inst.id)
    return inst


def wait_until_active(client: LambdaClient, instance_id: str, timeout: float = 600, poll_interval: float = 5,
                      on_progress: Callable[[Instance, float], None] | None = None) -> Instance:
    """Wait for `active` with an ip. Raises WaitTimeout or InstanceFailed (unhealthy, terminated)."""
    return client.wait_for_status(instance_id, {"active"}, timeout=timeout, poll_interval=poll_interval,
                                  on_progress=on_progress)


def terminate(client: LambdaClient, instance_ids: Sequence[str], claims: ClaimStore | None = None,
              wait: bool = False, timeout: float = 300, poll_interval: float = 2,
              on_progress: Callable[[Instance, float], None] | None = None) -> list[Instance]:
    """Terminate (idempotently), release the claims, and optionally wait for `terminated`."""
    out = client.terminate(list(instance_ids))
    store = claims or ClaimStore()
    for iid in instance_ids:
        store.release(iid)
    for inst in out:
        if inst.name:
            store.release(inst.name)
    if wait:
        out = [client.wait_for_status(i.id, {"terminated"}, timeout=timeout, poll_interval=poll_interval,
                                      on_progress=on_progress) for i in out]
    return out


def orphans(client: LambdaClient, claims: ClaimStore | None = None) -> list[Instance]:
    return find_orphans(client.list_instances(), claims or ClaimStore())


def price_cents_per_hour(client: LambdaClient, instance_type: str) -> tuple[str, int]:
    """(type name, live price) for a type or alias (the first candidate the catalogue knows)."""
    catalogue = client.instance_types()
    for t in resolve_instance_type(instance_type, set(catalogue)):
        if t in catalogue:
            return t, catalogue[t].price_cents_per_hour
    raise LambdaAPIError("global/invalid-parameters", f"{instance_type!r} is not in the live catalogue")

