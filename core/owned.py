"""Rows that belong to one person, and the version of that person's data that their writes renew.

Cached page fragments are keyed by the owner's `data_version` (a column of the user model). Every
way Django writes an owned row renews it here, so no writer has to remember to: save() and
delete() on the model; update(), delete(), bulk_create() and bulk_update() on its queryset; a
many-to-many change (m2m_changed, connected below); many-to-many links in bulk (link_many).
What is left outside is raw SQL, and the writes of `unshown_fields` alone.

The renewal is one UPDATE of the owner's row, in the writer's transaction, so it commits or rolls
back with the data (a renewal left for after the commit would be lost with a worker killed in
between, and would never run inside a test's transaction). Within one transaction each owner is
renewed once by save() and delete() (a service that saves 50 rows issues one UPDATE, not 50);
a queryset's update() or delete() renews with one UPDATE of its own, its rows as a subquery,
so that it reads nothing more.

`core` imports no app: the user model is looked up when a version is renewed.
"""

import uuid
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import connections, models, router, transaction
from django.db.models.signals import m2m_changed

# The user model's column that the {% cache %} keys of a person's pages hold.
VERSION_FIELD = "data_version"
# A claim's lease (core.leases): taken and handed back by the workers, shown on no page.
LEASE_FIELDS = frozenset({"claimed_until", "claim_token", "attempts", "updated_at"})


class _Renewed:
    """Left in the transaction's commit hooks as a record of the owners already renewed in it.

    Django drops a hook registered inside a savepoint that rolls back, and all of them when the
    transaction ends, which is exactly when the record must go too. Running it does nothing.
    """

    __slots__ = ("owner_ids",)

    def __init__(self, owner_ids: set[int]):
        self.owner_ids = owner_ids

    def __call__(self) -> None:
        pass


_NOT_KNOWN = object()


def _current_transaction_savepoint(connection):
    """What marks this transaction's hooks apart from earlier ones that are still listed.

    In production, every hook still listed belongs to the open transaction: None. Inside a
    test's transaction (TestCase's own atomic blocks, which never commit), each request or
    service opens an atomic block of its own; its savepoint id stands for "this transaction",
    so that renewals of an earlier request in the same test do not count.
    """
    test_blocks = 0
    for block in connection.atomic_blocks:
        if not block._from_testcase:
            break
        test_blocks += 1
    if test_blocks == 0:
        return None
    # savepoint_ids[i] is the savepoint of atomic_blocks[i + 1]; None when it made none.
    return connection.savepoint_ids[test_blocks - 1] or _NOT_KNOWN


def renew_versions(owner_ids: Iterable[int | None], *, using: str | None = None) -> None:
    """The data of these owners changed: renew their versions (once per owner per transaction)."""
    owner_ids = {pk for pk in owner_ids if pk is not None}
    if not owner_ids:
        return
    using = using or router.db_for_write(get_user_model())
    connection = connections[using]
    in_transaction = connection.in_atomic_block and not all(
        block._from_testcase for block in connection.atomic_blocks
    )
    if in_transaction:
        marker = _current_transaction_savepoint(connection)
        for sids, func, _robust in connection.run_on_commit:
            if marker is _NOT_KNOWN:
                break
            if isinstance(func, _Renewed) and (marker is None or marker in sids):
                owner_ids -= func.owner_ids
        if not owner_ids:
            return
    get_user_model()._default_manager.using(using).filter(pk__in=owner_ids).update(
        **{VERSION_FIELD: uuid.uuid4()}
    )
    if in_transaction:
        transaction.on_commit(_Renewed(owner_ids), using=using)


def _only_unshown(model, fields: Iterable[str] | None) -> bool:
    return fields is not None and set(fields) <= model.unshown_fields


class OwnedQuerySet(models.QuerySet):
    """Rows of one owner; every bulk write renews the owners of the rows it touches."""

    def owned_by(self, user):
        return self.filter(owner=user)

    def _renew_owners(self) -> None:
        """Renew the owners of these rows: one UPDATE with the rows as a subquery, no read.

        Before the write, while the filter still finds the rows (an update may move them out
        of it), and in the write's transaction, so that nobody reads the new version with the
        old rows.
        """
        owners = self.order_by().values("owner_id")
        owners.query.select_for_update = False
        get_user_model()._default_manager.using(self.db).filter(
            pk__in=models.Subquery(owners)
        ).update(**{VERSION_FIELD: uuid.uuid4()})

    def _pinned_owner(self) -> int | None:
        """The owner's id when the filter names one (owner=…, owner_id=…), else None."""
        where = self.query.where
        if where.connector != "AND" or where.negated:
            return None
        for child in where.children:
            target = getattr(getattr(child, "lhs", None), "target", None)
            if getattr(child, "lookup_name", None) == "exact" and (
                getattr(target, "attname", None) == "owner_id"
            ):
                value = getattr(child.rhs, "pk", child.rhs)
                return value if isinstance(value, int) else None
        return None

    def update(self, **kwargs) -> int:
        if _only_unshown(self.model, kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            owner_id = self._pinned_owner()
            if owner_id is None:
                self._renew_owners()
                return super().update(**kwargs)
            # The owner is known: renewed once in this transaction, however many updates.
            updated = super().update(**kwargs)
            if updated:
                renew_versions([owner_id], using=self.db)
            return updated

    update.alters_data = True

    def delete(self):
        with transaction.atomic(using=self.db, savepoint=False):
            self._renew_owners()
            return super().delete()

    delete.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = super().bulk_create(objs, *args, **kwargs)
        renew_versions((obj.owner_id for obj in objs), using=self.db)
        return objs

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        updated = super().bulk_update(objs, fields, *args, **kwargs)
        if not _only_unshown(self.model, fields):
            renew_versions((obj.owner_id for obj in objs), using=self.db)
        return updated


class OwnedModel(models.Model):
    """A row that belongs to one person (`owner`): each write of it renews their data version.

    A subclass declares its own `owner` field (the related_name differs) and may name in
    `unshown_fields` the columns no page shows, written on their own by background work (a
    claim's lease): writing only those leaves the version, and the person's caches, alone.
    """

    unshown_fields: frozenset[str] = frozenset()

    objects = OwnedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if not _only_unshown(type(self), kwargs.get("update_fields")):
            renew_versions([self.owner_id], using=self._state.db)

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        renew_versions([self.owner_id], using=kwargs.get("using") or self._state.db)
        return deleted


def link_many(relation, pairs: Iterable[tuple[int, int]], *, batch_size: int = 500) -> None:
    """Many-to-many links in bulk, pairs already linked left as they are: `relation` is the field's
    descriptor on the owned model (Application.contacts), pairs are (its row's id, other id).

    A few INSERTs into the through table, which sends no m2m_changed; the owners of the rows
    linked are renewed here instead.
    """
    field = relation.field
    through = relation.through
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    rows = {
        (source_id, target_id): through(**{source: source_id, target: target_id})
        for source_id, target_id in pairs
    }
    if not rows:
        return
    through._default_manager.bulk_create(
        rows.values(), batch_size=batch_size, ignore_conflicts=True
    )
    source_ids = {source_id for source_id, _target in rows}
    owners = field.model._default_manager.filter(pk__in=source_ids).order_by()
    renew_versions(owners.values_list("owner_id", flat=True).distinct())


def _many_to_many_changed(sender, instance, action, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if action != "post_clear" and not pk_set:
        return
    if isinstance(instance, OwnedModel):
        renew_versions([instance.owner_id], using=kwargs.get("using"))


m2m_changed.connect(_many_to_many_changed, dispatch_uid="core.owned.many_to_many_changed")
