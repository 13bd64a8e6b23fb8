from __future__ import annotations

import pytest

from paseban import reference
from paseban.content.names import NameBook, city_names


@pytest.fixture(scope="session")
def bogor_names() -> NameBook:
    data = reference.bundled("32.71")
    return city_names(
        city="Kota Bogor",
        wilayah=[(w.name, w.aliases) for w in data.wilayah if w.level >= 3],
        places=[lm[0] for lm in data.landmarks],
        programs=[("Bogor Berlari", ("Gerakan Bogor Berlari",))],
    )
