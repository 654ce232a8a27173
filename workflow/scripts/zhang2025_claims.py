"""Claims (zhang2025): each statement of Secs. III-IV beside the reproduced value.

Inputs: scenario, crlb_frequency, crlb_spatial, fig4, fig5, fig6, pmsr_frequency,
pmsr_spatial, evaluations (Sec. V). Params: max_antennas. Outputs: csv, md.
"""

from hwiloc.io.netcdf import read_dataset
from hwiloc.reporting import claims_frame, write_table
from hwiloc.runlog import job_logger
from hwiloc.studies import zhang2025, zhang2025_measured

log = job_logger(snakemake.log[0], "zhang2025_claims")
i = snakemake.input
table = claims_frame(
    zhang2025.claims(
        zhang2025.scenario_from_dataset(read_dataset(i.scenario)),
        read_dataset(i.crlb_frequency),
        read_dataset(i.crlb_spatial),
        {case: read_dataset(i[case]) for case in ("fig4", "fig5", "fig6")},
        read_dataset(i.pmsr_frequency),
        read_dataset(i.pmsr_spatial),
        int(snakemake.params.max_antennas),
    )
    + zhang2025_measured.claims(
        zhang2025_measured.summary([read_dataset(p) for p in i.evaluations])
    )
)
write_table(
    table,
    snakemake.output.csv,
    snakemake.output.md,
    title="zhang2025: claims of the paper beside the reproduced values",
)
log.info("%d of %d claims hold", int(table["holds"].sum()), len(table))
