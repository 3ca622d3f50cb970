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


def load_housing():
    """Copenhagen housing survey (MASS ``housing``): 72 aggregated rows, ``Freq`` = frequency
    weights (1681 respondents). ``Sat`` (satisfaction) is an ordered Categorical Low < Medium <
    High; ``Infl`` (perceived influence: Low, Medium, High), ``Type`` (Tower, Apartment, Atrium,
    Terrace) and ``Cont`` (contact with residents: Low, High) are Categoricals in R's level order.

    Source: Madsen M (1976), Scand J Statist 3:97-106; Venables & Ripley (2002), *Modern Applied
    Statistics with S*, sec. 7.3 (the proportional-odds example).
    """
    import pandas as pd

    with files(__package__).joinpath("housing.csv").open("r") as fh:
        df = pd.read_csv(fh)
    order = {"Sat": ["Low", "Medium", "High"], "Infl": ["Low", "Medium", "High"],
             "Type": ["Tower", "Apartment", "Atrium", "Terrace"], "Cont": ["Low", "High"]}
    for col, levels in order.items():
        df[col] = pd.Categorical(df[col], categories=levels, ordered=col == "Sat")
    return df


def load_womenlf():
    """Canadian women's labour-force participation, 1977 (carData ``Womenlf``): 263 married women.
    ``partic`` is a Categorical not.work, parttime, fulltime (R's order: not.work is the first level
    and so the multinomial reference); ``hincome`` (husband's income, $1000s), ``children``
    (absent/present), ``region`` (Atlantic, BC, Ontario, Prairie, Quebec).

    Source: Social Change in Canada Project, York Institute for Social Research; Fox J, Weisberg S
    (2019), *An R Companion to Applied Regression*, 3rd ed.
    """
    import pandas as pd

    with files(__package__).joinpath("womenlf.csv").open("r") as fh:
        df = pd.read_csv(fh)
    df["partic"] = pd.Categorical(df["partic"], categories=["not.work", "parttime", "fulltime"])
    return df


__all__ = ["load_pima", "load_housing", "load_womenlf"]
