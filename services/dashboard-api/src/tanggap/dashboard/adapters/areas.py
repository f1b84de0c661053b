"""The kelurahan and kecamatan of the city, as loaded by migration 0002."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from tanggap.dashboard.adapters.rows import AnyRow
from tanggap.dashboard.adapters.tables import kecamatan, kelurahan


async def known_codes(connection: AsyncConnection) -> tuple[set[str], set[str]]:
    kelurahan_codes = set((await connection.execute(select(kelurahan.c.kode))).scalars())
    kecamatan_codes = set((await connection.execute(select(kecamatan.c.kode))).scalars())
    return kelurahan_codes, kecamatan_codes


async def all_areas(connection: AsyncConnection) -> tuple[list[AnyRow], list[AnyRow]]:
    kec = await connection.execute(
        select(
            kecamatan.c.kode, kecamatan.c.name, kecamatan.c.population, kecamatan.c.area_km2
        ).order_by(kecamatan.c.kode)
    )
    kel = await connection.execute(
        select(
            kelurahan.c.kode,
            kelurahan.c.name,
            kelurahan.c.kecamatan_kode,
            kelurahan.c.population,
            kelurahan.c.area_km2,
        ).order_by(kelurahan.c.kode)
    )
    return list(kec.all()), list(kel.all())
