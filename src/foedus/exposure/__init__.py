"""Exposure covariates for every directed dyad and date since 1816: expected joiners per side, the chance the
war widens or draws in a major power, the strongest obligation involved (issue 19). Runs on Dask.

    from foedus.exposure import exposure_sweep, read_exposure
"""

from foedus.exposure.sweep import ExposureRun, SweepParams, check_params, exposure_sweep, plan_blocks, read_exposure

__all__ = ["ExposureRun", "SweepParams", "check_params", "exposure_sweep", "plan_blocks", "read_exposure"]
