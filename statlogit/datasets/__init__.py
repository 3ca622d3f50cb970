"""Real data bundled with statlogit."""

from __future__ import annotations

from importlib.resources import files


def load_pima():
    """Pima Indians diabetes data: 768 women of Pima heritage, aged 21 or over.

    Columns: ``pregnant`` (times pregnant), ``glucose`` (2-hour plasma glucose, mg/dL),
    ``pressure`` (diastolic blood pressure, mm Hg), ``triceps`` (skin fold, mm),
    ``insulin`` (2-hour serum insulin, muU/mL), ``mass`` (body-mass index),
    ``pedigree`` (diabetes pedigree function), ``age`` (years) and ``diabetes``
    (``"pos"``/``"neg"``; the event is ``pos``).

    Physiologically impossible zeros are recoded as missing (NaN): 392 rows are complete,
    752 are complete in glucose, mass and age.

    Source: National Institute of Diabetes and Digestive and Kidney Diseases, via the UCI
    Machine Learning Repository; this is the version of R package mlbench's
    ``PimaIndiansDiabetes2`` (Smith et al. 1988, *Proc. Symp. Computer Applications in
    Medical Care*, 261-265).
    """
    import pandas as pd

    with files(__package__).joinpath("pima2.csv").open("r") as fh:
        return pd.read_csv(fh)


__all__ = ["load_pima"]
