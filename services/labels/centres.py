"""The centres of the register: a centre registering (itself, or by the committee) with its
sites, and reading them. A registration and its events commit together; each site belongs
to one centre."""

from __future__ import annotations

from dataclasses import dataclass

from vigie.labels.v1 import events_pb2 as events
from vigie.labels.v1 import labels_pb2 as pb

from services.codecs import labels as codec
from services.common import topics
from services.common.clock import Clock, utc_now
from services.common.errors import AlreadyExists, InvalidArgument, NotFound
from services.common.protos import timestamp
from services.labels.repositories import SiteTaken
from services.labels.unit_of_work import LabelsUnitOfWork, UnitsOfWork


@dataclass
class Centres:
    uows: UnitsOfWork
    now: Clock = utc_now

    async def register(self, request: pb.RegisterCentreRequest) -> pb.Centre:
        problems = codec.site_problems(request.sites)
        if problems:
            raise InvalidArgument(problems)
        now = self.now()
        centre = pb.Centre(
            centre_id=request.centre_id,
            name=request.name,
            kind=request.kind,
            owner_ordering_party_id=request.owner_ordering_party_id,
            sites=request.sites,
            label=pb.Label(status=pb.LABEL_STATUS_NONE),
            registered_at=timestamp(now),
        )
        async with self.uows() as uow:
            taken = await uow.centres.sites_of_others(
                centre.centre_id, [s.site_id for s in centre.sites]
            )
            if taken:
                raise InvalidArgument(codec.taken_site_problems(centre.sites, taken))
            try:
                inserted = await uow.centres.add(centre, now)
            except SiteTaken:
                # Another centre took one of the sites since the check: the index decides.
                raise AlreadyExists("site", ", ".join(s.site_id for s in centre.sites)) from None
            if not inserted:
                raise AlreadyExists("centre", request.centre_id)
            uow.emit(topics.LABEL_EVENTS, centre.centre_id, events.CentreRegistered(centre=centre))
            emit_status(uow, centre)
        return centre

    async def get(self, centre_id: str) -> pb.Centre:
        async with self.uows.reading() as uow:
            return await centre_or_404(uow, centre_id)

    async def list(self, request: pb.ListCentresRequest) -> list[pb.Centre]:
        async with self.uows.reading() as uow:
            return await uow.centres.list(request.label_status, request.country)


async def centre_or_404(uow: LabelsUnitOfWork, centre_id: str, *, lock: bool = False) -> pb.Centre:
    centre = await uow.centres.get(centre_id, lock=lock)
    if centre is None:
        raise NotFound("centre", centre_id)
    return centre


def emit_status(uow: LabelsUnitOfWork, centre: pb.Centre) -> None:
    """The centre as it now stands, on the compacted status topic (latest per centre)."""
    uow.emit(topics.LABEL_STATUS, centre.centre_id, events.CentreLabelStatus(centre=centre))
